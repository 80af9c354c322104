import type {
  ChecklistCode,
  CheckResult,
  DeliveryStatus,
  DocumentKind,
  InspectionDetail,
  InspectionKind,
  InspectionStatus,
  InspectionUpdate,
  SpotCheck,
} from '@/api/types'
import { can, type Principal } from '@/router/access'
import { emptyProblem, problemFromIn, problemToIn, type ProblemRow } from './problems'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export const INSPECTION_KINDS: Record<InspectionKind, string> = {
  random: '双随机抽查',
  county_duty: '县区检查任务',
  daily: '日常检查',
}

export const INSPECTION_STATES: Record<InspectionStatus, { label: string; tagType: TagType }> = {
  draft: { label: '检查中（草稿）', tagType: 'warning' },
  completed: { label: '已完成', tagType: 'success' },
}

/** The link to the enforcement system (docs/ENFORCEMENT.md): without an endpoint, documents are recorded by hand. */
export const DELIVERY_STATES: Record<DeliveryStatus, { label: string; short: string; tagType: TagType }> = {
  not_configured: { label: '未配置执法系统接口（手工登记）', short: '手工登记', tagType: 'info' },
  pending: { label: '报送中', short: '报送中', tagType: 'warning' },
  delivered: { label: '已报送', short: '已报送', tagType: 'success' },
  dead: { label: '报送失败', short: '报送失败', tagType: 'danger' },
}

export const DOCUMENT_KINDS: Record<DocumentKind, string> = {
  inspection_record: '现场检查记录',
  rectification_order: '责令限期整改指令书',
  recheck_opinion: '整改复查意见书',
  on_site_measures: '现场处理措施决定书',
  case_approval: '立案审批表',
  penalty_notice: '行政处罚告知书',
  penalty_decision: '行政处罚决定书',
  closing_approval: '结案审批表',
}

export const CHECK_RESULTS: Record<CheckResult, string> = {
  compliant: '符合',
  non_compliant: '不符合',
  not_checked: '未检查',
}

export const CHECKLIST_CODES: readonly ChecklistCode[] = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5']

/** What inspectors most often find missing from a project's process-control archive (free text is allowed too). */
export const ARCHIVE_ITEMS = ['评价合同', '现场勘验记录', '现场影像资料', '过程控制记录', '技术负责人审核记录', '内部评审意见', '报告签字页'] as const

export const kindLabel = (kind: string): string => INSPECTION_KINDS[kind as InspectionKind] ?? kind
export const statusLabel = (status: string): string => INSPECTION_STATES[status as InspectionStatus]?.label ?? status
export const statusTag = (status: string): TagType => INSPECTION_STATES[status as InspectionStatus]?.tagType ?? 'info'
export const deliveryLabel = (delivery: string | null | undefined): string =>
  delivery ? (DELIVERY_STATES[delivery as DeliveryStatus]?.label ?? delivery) : '—'
/** The list's short form: 手工登记 for the unconfigured link. */
export const deliveryShort = (delivery: string | null | undefined): string =>
  delivery ? (DELIVERY_STATES[delivery as DeliveryStatus]?.short ?? delivery) : '—'
export const deliveryTag = (delivery: string | null | undefined): TagType =>
  delivery ? (DELIVERY_STATES[delivery as DeliveryStatus]?.tagType ?? 'info') : 'info'
export const documentKindLabel = (kind: string): string => DOCUMENT_KINDS[kind as DocumentKind] ?? kind
export const resultLabel = (result: string | null | undefined): string => (result ? (CHECK_RESULTS[result as CheckResult] ?? result) : '未填写')

// --- who may do what --------------------------------------------------------------------------------------------

export interface InspectionActor extends Principal {
  organization: { id: number }
}

/** Only the inspecting organisation (or the city) changes a record, and only while it is a draft. */
export function canEditInspection(actor: InspectionActor | null | undefined, inspection: { status: string; organization_id: number }): boolean {
  if (!actor || !can(actor, 'inspections:manage') || inspection.status !== 'draft') return false
  return actor.role === 'city' || inspection.organization_id === actor.organization.id
}

/** Enforcement documents are recorded on a completed record, by the same organisations. */
export function canRecordDocuments(actor: InspectionActor | null | undefined, inspection: { status: string; organization_id: number }): boolean {
  if (!actor || !can(actor, 'inspections:manage') || inspection.status !== 'completed') return false
  return actor.role === 'city' || inspection.organization_id === actor.organization.id
}

// --- times: the inspection's date plus the times of day, in Beijing time ----------------------------------------

const BEIJING_OFFSET_MS = 8 * 3_600_000
const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-11-30` + `09:30` → `2026-11-30T09:30:00+08:00`; null when either is missing. */
export function atBeijing(date: string, time: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null
  return `${date}T${time}:00+08:00`
}

/** An instant's Beijing time of day, `HH:mm`; '' when absent or unreadable. */
export function beijingTime(value: string | null | undefined): string {
  if (!value) return ''
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) return ''
  const d = new Date(ms + BEIJING_OFFSET_MS)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** `09:30–11:45`, or what is known of it. */
export function timeRange(start: string | null | undefined, end: string | null | undefined): string {
  const from = beijingTime(start)
  const to = beijingTime(end)
  if (!from && !to) return '—'
  return `${from || '?'}–${to || '?'}`
}

// --- the record's form ------------------------------------------------------------------------------------------

export interface ChecklistRow {
  code: ChecklistCode
  result: CheckResult | null
  note: string
}

export interface SpotCheckRow {
  key: number
  project_id: number | null
  archive_complete: boolean | null
  missing: string[]
  note: string
}

export interface InspectionForm {
  inspected_on: string
  start_time: string
  end_time: string
  place: string
  on_site_person: string
  inspector_ids: number[]
  checklist: ChecklistRow[]
  spot_checks: SpotCheckRow[]
  problems: ProblemRow[]
  summary: string
}

let lastKey = 0
/** A key for v-for and for placing errors on a row, stable while rows are added and removed. */
export const nextRowKey = (): number => ++lastKey

export function emptySpotCheck(): SpotCheckRow {
  return { key: nextRowKey(), project_id: null, archive_complete: null, missing: [], note: '' }
}

export function formFromDetail(detail: InspectionDetail): InspectionForm {
  const answers = new Map(detail.checklist.map((c) => [c.code, c]))
  return {
    inspected_on: detail.inspected_on,
    start_time: beijingTime(detail.started_at),
    end_time: beijingTime(detail.ended_at),
    place: detail.place ?? '',
    on_site_person: detail.on_site_person ?? '',
    inspector_ids: detail.inspectors.map((i) => i.id),
    checklist: CHECKLIST_CODES.map((code) => ({ code, result: answers.get(code)?.result ?? null, note: answers.get(code)?.note ?? '' })),
    spot_checks: detail.spot_checks.map((s: SpotCheck) => ({
      key: nextRowKey(),
      project_id: s.project_id,
      archive_complete: s.archive_complete ?? null,
      missing: [...(s.missing ?? [])],
      note: s.note ?? '',
    })),
    problems: detail.problems.map(problemFromIn),
    summary: detail.summary ?? '',
  }
}

export interface InspectionContent {
  content: InspectionUpdate
  /** The row keys in the order sent, so that `problems.1.project_id` finds its row again. */
  sentProblems: number[]
  sentSpotChecks: number[]
  /** Rows left out because they cannot be saved yet (no project, no category or description). */
  skippedProblems: number
  skippedSpotChecks: number
}

const trimmed = (text: string): string => text.trim()
const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim())

/**
 * What the draft save sends. Texts go as '' rather than null: the server keeps a field it is sent null for.
 * Half-filled rows stay on screen but are not sent until they can be saved.
 */
export function contentOf(form: InspectionForm): InspectionContent {
  const spotChecks = form.spot_checks.filter((row) => row.project_id !== null)
  const problems = form.problems.filter((row) => row.code !== '' && row.description.trim() !== '')
  return {
    content: {
      inspected_on: form.inspected_on || null,
      started_at: atBeijing(form.inspected_on, form.start_time),
      ended_at: atBeijing(form.inspected_on, form.end_time),
      place: trimmed(form.place),
      on_site_person: trimmed(form.on_site_person),
      inspector_ids: [...new Set(form.inspector_ids)],
      checklist: form.checklist.map((row) => ({ code: row.code, result: row.result, note: orNull(row.note) })),
      spot_checks: spotChecks.map((row) => ({
        project_id: row.project_id as number,
        archive_complete: row.archive_complete,
        missing: row.missing.map((m) => m.trim()).filter(Boolean),
        note: orNull(row.note),
      })),
      problems: problems.map(problemToIn),
      summary: trimmed(form.summary),
    },
    sentProblems: problems.map((row) => row.key),
    sentSpotChecks: spotChecks.map((row) => row.key),
    skippedProblems: form.problems.length - problems.length,
    skippedSpotChecks: form.spot_checks.length - spotChecks.length,
  }
}

/** A new problem row for a checklist item found non-compliant. */
export function problemForCode(code: ChecklistCode, note: string): ProblemRow {
  return { ...emptyProblem(), code, description: note.trim() }
}

// --- hints while filling in -------------------------------------------------------------------------------------

/**
 * Per checklist item, what does not add up with the problems: a non-compliant item needs a problem of its code
 * (the server refuses to complete otherwise); a compliant one with such a problem is probably a slip.
 */
export function checklistHints(checklist: readonly ChecklistRow[], problems: readonly { code: string }[]): Partial<Record<ChecklistCode, string>> {
  const listed = new Set(problems.map((p) => p.code))
  const hints: Partial<Record<ChecklistCode, string>> = {}
  for (const row of checklist) {
    if (row.result === 'non_compliant' && !listed.has(row.code)) hints[row.code] = `${row.code} 不符合，请在「问题」中列明`
    else if (row.result === 'compliant' && listed.has(row.code)) hints[row.code] = `${row.code} 判定为符合，但「问题」中列有 ${row.code} 的问题，请核对`
  }
  return hints
}

/** What still stands between the record and 完成检查, in the server's terms (it has the last word). */
export function completionGaps(form: InspectionForm): string[] {
  const gaps: string[] = []
  if (new Set(form.inspector_ids).size < 2) gaps.push('执法人员不少于 2 名')
  if (!form.start_time || !form.end_time) gaps.push('检查起止时间')
  else if (form.end_time <= form.start_time) gaps.push('结束时间须晚于开始时间')
  if (!form.place.trim()) gaps.push('检查地点')
  const unanswered = form.checklist.filter((row) => row.result === null).map((row) => row.code)
  if (unanswered.length) gaps.push(`检查项 ${unanswered.join('、')} 的结果`)
  const hints = checklistHints(form.checklist, form.problems.filter((p) => p.description.trim() !== ''))
  const unlisted = form.checklist.filter((row) => row.result === 'non_compliant' && hints[row.code]).map((row) => row.code)
  if (unlisted.length) gaps.push(`不符合项 ${unlisted.join('、')} 的问题`)
  return gaps
}

// --- the server's refusals, placed on the form ------------------------------------------------------------------

export interface PlacedErrors {
  /** By form field: inspected_on, started_at, ended_at, place, on_site_person, inspector_ids, summary. */
  fields: Record<string, string>
  checklist: Partial<Record<ChecklistCode, string>>
  /** By row key. */
  problems: Record<number, string>
  spotChecks: Record<number, string>
  other: string[]
}

const FORM_FIELDS = ['inspected_on', 'started_at', 'ended_at', 'place', 'on_site_person', 'inspector_ids', 'summary', 'agency_id'] as const

export function noErrors(): PlacedErrors {
  return { fields: {}, checklist: {}, problems: {}, spotChecks: {}, other: [] }
}

const join = (before: string | undefined, message: string) => (before ? `${before}；${message}` : message)

/**
 * Places `errors[{field, message}]` of a refused save or completion: `checklist.Q3`, `problems.1.project_id`
 * (index of the rows sent), `inspector_ids.0`, `place`… ; anything else is listed as it is.
 */
export function placeErrors(
  errors: readonly { field: string; message: string }[],
  sent: { problems: readonly number[]; spotChecks: readonly number[] } = { problems: [], spotChecks: [] },
): PlacedErrors {
  const placed = noErrors()
  for (const { field, message } of errors) {
    const parts = field.split('.').filter((part) => part !== 'body')
    const [head, second] = parts
    if (head === 'checklist' && second && (CHECKLIST_CODES as readonly string[]).includes(second)) {
      const code = second as ChecklistCode
      placed.checklist[code] = join(placed.checklist[code], message)
    } else if ((head === 'problems' || head === 'spot_checks') && second !== undefined && /^\d+$/.test(second)) {
      const key = (head === 'problems' ? sent.problems : sent.spotChecks)[Number(second)]
      const target = head === 'problems' ? placed.problems : placed.spotChecks
      if (key === undefined) placed.other.push(message)
      else target[key] = join(target[key], message)
    } else if ((FORM_FIELDS as readonly string[]).includes(head)) {
      placed.fields[head] = join(placed.fields[head], message)
    } else {
      placed.other.push(message)
    }
  }
  return placed
}

export function hasErrors(placed: PlacedErrors): boolean {
  return (
    Object.keys(placed.fields).length > 0 ||
    Object.keys(placed.checklist).length > 0 ||
    Object.keys(placed.problems).length > 0 ||
    Object.keys(placed.spotChecks).length > 0 ||
    placed.other.length > 0
  )
}

// --- an error goes away once what it is about is edited ---------------------------------------------------------

const FIELD_PARTS: Record<string, (form: InspectionForm) => unknown> = {
  inspected_on: (f) => [f.inspected_on, f.start_time, f.end_time],
  started_at: (f) => [f.inspected_on, f.start_time, f.end_time],
  ended_at: (f) => [f.inspected_on, f.start_time, f.end_time],
  place: (f) => f.place,
  on_site_person: (f) => f.on_site_person,
  inspector_ids: (f) => f.inspector_ids,
  summary: (f) => f.summary,
}

/** What the error `ref` (`field:place`, `checklist:Q3`, `problem:<key>`, `spot:<key>`) is about, as text. */
function partOf(form: InspectionForm, ref: string): string {
  const [kind, id] = ref.split(':')
  if (kind === 'field') return JSON.stringify(FIELD_PARTS[id]?.(form) ?? null)
  if (kind === 'checklist') {
    const listed = form.problems.some((p) => p.code === id && p.description.trim() !== '')
    return JSON.stringify([form.checklist.find((c) => c.code === id) ?? null, listed])
  }
  const rows: readonly { key: number }[] = kind === 'problem' ? form.problems : form.spot_checks
  return JSON.stringify(rows.find((row) => row.key === Number(id)) ?? null)
}

function refsOf(placed: PlacedErrors): string[] {
  return [
    ...Object.keys(placed.fields).map((k) => `field:${k}`),
    ...Object.keys(placed.checklist).map((k) => `checklist:${k}`),
    ...Object.keys(placed.problems).map((k) => `problem:${k}`),
    ...Object.keys(placed.spotChecks).map((k) => `spot:${k}`),
  ]
}

/** The form as it was when the errors were placed. */
export function snapshotErrors(placed: PlacedErrors, form: InspectionForm): Record<string, string> {
  return Object.fromEntries(refsOf(placed).map((ref) => [ref, partOf(form, ref)]))
}

/** The errors whose part of the form is still as it was; `other` stays until the next attempt. */
export function keepCurrentErrors(placed: PlacedErrors, snapshots: Record<string, string>, form: InspectionForm): PlacedErrors {
  const still = (ref: string) => snapshots[ref] === partOf(form, ref)
  const pick = <K extends string | number>(record: Partial<Record<K, string>>, kind: string) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => still(`${kind}:${key}`))) as Record<K, string>
  return {
    fields: pick(placed.fields, 'field'),
    checklist: pick(placed.checklist, 'checklist'),
    problems: pick(placed.problems, 'problem'),
    spotChecks: pick(placed.spotChecks, 'spot'),
    other: placed.other,
  }
}
