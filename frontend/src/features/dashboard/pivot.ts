import { FINDING_CODES, FINDING_STATES } from '@/features/findings/findings'
import { isPending } from '@/features/self-checks/status'
import { countyShort } from '@/utils/format'
import type { CodeStatusCount, CountyStatusCount, SelfCheckCount } from './api'

/** How a finding or self-check without a county (an agency based outside the city) is shown. */
export const UNASSIGNED_COUNTY = '未归属县区'

/** The self-check kinds in the order the forms are numbered (附件2, 附件3). */
export const SELF_CHECK_KINDS = ['qualification', 'projects'] as const

export interface StatusRow {
  key: string
  label: string
  /** Count per status; every status of the table is present (0 when none). */
  counts: Record<string, number>
  total: number
}

export interface CountyStatusRow extends StatusRow {
  countyId: number | null
}

export interface CodeStatusRow extends StatusRow {
  code: string
}

export interface StatusTable<Row extends StatusRow> {
  /** The columns: the workflow's statuses, then any status the SPA does not know yet. */
  statuses: string[]
  rows: Row[]
  columnTotals: Record<string, number>
  total: number
}

export interface FindingSummary {
  total: number
  accepted: number
  /** Everything not yet accepted: still to rectify, being rectified, awaiting acceptance or sent back. */
  unaccepted: number
}

export interface KindProgress {
  total: number
  /** Handed in (submitted, resubmitted or accepted): no longer the agency's to fill in. */
  handedIn: number
  accepted: number
}

export interface SelfCheckCountyRow {
  key: string
  countyId: number | null
  label: string
  kinds: Record<string, KindProgress>
  total: KindProgress
}

const WORKFLOW: readonly string[] = Object.keys(FINDING_STATES)

/** Known statuses in workflow order (all of them, so the columns do not shift between campaigns), then unknown ones. */
export function statusColumns(present: Iterable<string>): string[] {
  const unknown = [...new Set(present)].filter((status) => !WORKFLOW.includes(status)).sort()
  return [...WORKFLOW, ...unknown]
}

export function countyKey(countyId: number | null): string {
  return countyId === null ? 'county:none' : `county:${countyId}`
}

export function countyLabel(countyId: number | null, countyName: string | null): string {
  if (countyId === null) return UNASSIGNED_COUNTY
  return countyName ? countyShort(countyName) : `县区 ${countyId}`
}

/** Counties by id (the backend's order, which follows the division codes), the unassigned ones last. */
function byCountyId(a: { countyId: number | null }, b: { countyId: number | null }): number {
  if (a.countyId === b.countyId) return 0
  if (a.countyId === null) return 1
  if (b.countyId === null) return -1
  return a.countyId - b.countyId
}

function emptyCounts(statuses: readonly string[]): Record<string, number> {
  return Object.fromEntries(statuses.map((status) => [status, 0]))
}

function withTotals<Row extends StatusRow>(statuses: string[], rows: Row[]): StatusTable<Row> {
  const columnTotals = emptyCounts(statuses)
  let total = 0
  for (const row of rows) {
    row.total = statuses.reduce((sum, status) => sum + row.counts[status], 0)
    for (const status of statuses) columnTotals[status] += row.counts[status]
    total += row.total
  }
  return { statuses, rows, columnTotals, total }
}

/** Findings as a county × status table with row and column totals. */
export function pivotByCounty(items: readonly CountyStatusCount[]): StatusTable<CountyStatusRow> {
  const statuses = statusColumns(items.map((item) => item.status))
  const rows = new Map<string, CountyStatusRow>()
  for (const item of items) {
    const key = countyKey(item.county_id)
    let row = rows.get(key)
    if (!row) {
      row = { key, countyId: item.county_id, label: countyLabel(item.county_id, item.county_name), counts: emptyCounts(statuses), total: 0 }
      rows.set(key, row)
    }
    row.counts[item.status] += item.count // the same pair twice (should not happen) still adds up
  }
  return withTotals(statuses, [...rows.values()].sort(byCountyId))
}

/**
 * Findings as a code × status table with totals: the nine codes Q1–R4 always (a zero says "none of these"),
 * then any other code found.
 */
export function pivotByCode(items: readonly CodeStatusCount[]): StatusTable<CodeStatusRow> {
  const statuses = statusColumns(items.map((item) => item.status))
  const known: readonly string[] = FINDING_CODES
  const extra = [...new Set(items.map((item) => item.code))].filter((code) => !known.includes(code)).sort()
  const rows = new Map<string, CodeStatusRow>(
    [...known, ...extra].map((code) => [code, { key: code, code, label: code, counts: emptyCounts(statuses), total: 0 }]),
  )
  for (const item of items) rows.get(item.code)!.counts[item.status] += item.count
  return withTotals(statuses, [...rows.values()])
}

export function summarize(table: StatusTable<StatusRow>): FindingSummary {
  const accepted = table.columnTotals.accepted ?? 0
  return { total: table.total, accepted, unaccepted: table.total - accepted }
}

function emptyProgress(): KindProgress {
  return { total: 0, handedIn: 0, accepted: 0 }
}

function addTo(progress: KindProgress, status: string, count: number): void {
  progress.total += count
  if (!isPending(status)) progress.handedIn += count
  if (status === 'accepted') progress.accepted += count
}

/** Self-checks per county and kind: how many exist, how many were handed in and how many accepted. */
export function selfCheckProgress(items: readonly SelfCheckCount[]): { kinds: string[]; rows: SelfCheckCountyRow[]; total: KindProgress } {
  const extraKinds = [...new Set(items.map((item) => item.kind))].filter((kind) => !(SELF_CHECK_KINDS as readonly string[]).includes(kind)).sort()
  const kinds = [...SELF_CHECK_KINDS, ...extraKinds]
  const rows = new Map<string, SelfCheckCountyRow>()
  const total = emptyProgress()
  for (const item of items) {
    const key = countyKey(item.county_id)
    let row = rows.get(key)
    if (!row) {
      row = {
        key,
        countyId: item.county_id,
        label: countyLabel(item.county_id, item.county_name),
        kinds: Object.fromEntries(kinds.map((kind) => [kind, emptyProgress()])),
        total: emptyProgress(),
      }
      rows.set(key, row)
    }
    addTo(row.kinds[item.kind], item.status, item.count)
    addTo(row.total, item.status, item.count)
    addTo(total, item.status, item.count)
  }
  return { kinds, rows: [...rows.values()].sort(byCountyId), total }
}
