import { ApiError } from '@/api/problem'
import type { AttachedFile, RetrievalItemStatus, RetrievalSlot, RetrievalStatus } from '@/api/types'
import { can, type Principal } from '@/router/access'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

/** A request's states (backend/retrieval/service.py): open → submitted → returned ⇄ submitted → completed. */
export const REQUEST_STATES: Record<RetrievalStatus, { label: string; tagType: TagType }> = {
  open: { label: '待报送', tagType: 'warning' },
  submitted: { label: '已提交，待接收', tagType: 'primary' },
  returned: { label: '已退回，待补交', tagType: 'danger' },
  completed: { label: '已完成', tagType: 'success' },
}

export const ITEM_STATES: Record<RetrievalItemStatus, { label: string; tagType: TagType }> = {
  pending: { label: '待上传', tagType: 'info' },
  submitted: { label: '已提交', tagType: 'primary' },
  received: { label: '已接收', tagType: 'success' },
  returned: { label: '已退回', tagType: 'danger' },
}

export interface SlotSpec {
  slot: RetrievalSlot
  label: string
  /** What the server accepts there (it judges by content, not by name). */
  hint: string
  accept: string
}

export const SLOTS: Record<RetrievalSlot, SlotSpec> = {
  report: { slot: 'report', label: '评价报告', hint: 'PDF 文件；重新上传将替换原报告', accept: '.pdf,application/pdf' },
  archive: {
    slot: 'archive',
    label: '过程控制档案',
    hint: 'zip 压缩包，或多个 PDF / 图片',
    accept: '.zip,.pdf,.png,.jpg,.jpeg,application/zip,application/x-zip-compressed,application/pdf,image/png,image/jpeg',
  },
}

export const SLOT_ORDER: readonly RetrievalSlot[] = ['report', 'archive']

export function requestStatusLabel(status: string): string {
  return REQUEST_STATES[status as RetrievalStatus]?.label ?? status
}

export function requestStatusTag(status: string): TagType {
  return REQUEST_STATES[status as RetrievalStatus]?.tagType ?? 'info'
}

export function itemStatusLabel(status: string): string {
  return ITEM_STATES[status as RetrievalItemStatus]?.label ?? status
}

export function itemStatusTag(status: string): TagType {
  return ITEM_STATES[status as RetrievalItemStatus]?.tagType ?? 'info'
}

/** `缺评价报告、过程控制档案`; empty when nothing is missing. */
export function missingText(missing: readonly string[]): string {
  if (missing.length === 0) return ''
  return `缺${missing.map((slot) => SLOTS[slot as RetrievalSlot]?.label ?? slot).join('、')}`
}

interface RequestFacts {
  status: string
}

interface ItemFacts {
  status: string
}

/** Items whose files the agency may still change: not yet handed in, or returned by the city. */
export function isItemOpen(item: ItemFacts): boolean {
  return item.status === 'pending' || item.status === 'returned'
}

/** The agency (retrieval:submit) may add and remove files of this project now. */
export function canEditItem(principal: Principal | null | undefined, request: RequestFacts, item: ItemFacts): boolean {
  return can(principal, 'retrieval:submit') && request.status !== 'completed' && isItemOpen(item)
}

/** The agency may hand in the request: it is open or returned and has projects to hand in. */
export function canSubmit(principal: Principal | null | undefined, request: RequestFacts & { items: readonly ItemFacts[] }): boolean {
  return can(principal, 'retrieval:submit') && (request.status === 'open' || request.status === 'returned') && request.items.some(isItemOpen)
}

/** The city (retrieval:manage) receives or returns each project once it was submitted. */
export function canReview(principal: Principal | null | undefined, item: ItemFacts): boolean {
  return can(principal, 'retrieval:manage') && item.status === 'submitted'
}

export interface MissingEntry {
  itemId: number
  projectName: string
  reportNumber: string
  text: string
}

/** 尚缺材料: each project still open for the agency with a missing report or archive. */
export function missingEntries(
  items: readonly { id: number; project_name: string; report_number: string; status: string; missing: readonly string[] }[],
): MissingEntry[] {
  return items
    .filter((item) => isItemOpen(item) && item.missing.length > 0)
    .map((item) => ({ itemId: item.id, projectName: item.project_name, reportNumber: item.report_number, text: missingText(item.missing) }))
}

/** The files of one slot, newest first. */
export function filesOf(files: readonly AttachedFile[], slot: RetrievalSlot): AttachedFile[] {
  return files.filter((f) => f.slot === slot).sort((a, b) => Date.parse(b.added_at) - Date.parse(a.added_at))
}

/**
 * A refused submit names each incomplete project as `items.<item id>`: the messages by item id, so the page
 * can mark the projects, plus the ones it could not place.
 */
export function submitErrorsByItem(error: unknown): { byItem: Map<number, string>; other: string[] } {
  const byItem = new Map<number, string>()
  const other: string[] = []
  if (!(error instanceof ApiError)) return { byItem, other }
  for (const fieldError of error.fieldErrors) {
    const match = /(?:^|\.)items\.(\d+)$/.exec(fieldError.field)
    if (match) byItem.set(Number(match[1]), fieldError.message)
    else other.push(fieldError.message)
  }
  return { byItem, other }
}

/** Whole days from `today` to `due` (both `YYYY-MM-DD`): negative once the deadline has passed. */
export function daysUntil(due: string, today: string): number {
  const day = (text: string) => Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10)))
  return Math.round((day(due) - day(today)) / 86_400_000)
}
