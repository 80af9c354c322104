import type { ProblemFieldError } from '@/api/problem'
import type { SelfCheckDetail, SelfCheckDraft } from '@/api/types'

export const ITEM_FIELDS = ['problem', 'measure', 'deadline', 'responsible'] as const
export type ItemField = (typeof ITEM_FIELDS)[number]
export const ITEM_FIELD_LABELS: Record<ItemField, string> = { problem: '存在问题', measure: '整改措施', deadline: '整改时限', responsible: '责任人' }
export const REPORT_CODES = ['R1', 'R2', 'R3', 'R4'] as const
export type ReportCode = (typeof REPORT_CODES)[number]

export interface ItemForm {
  code: 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'Q5'
  title: string
  criterion: string
  compliant: boolean | null
  situation: string
  problem: string
  measure: string
  deadline: string
  responsible: string
}

export interface ProblemForm {
  code: ReportCode | ''
  sub_code: string
  description: string
}

export interface RowForm {
  project_id: number
  no_problem: boolean
  problems: ProblemForm[]
  measure: string
  deadline: string
  progress: string
}

export interface SelfCheckForm {
  header: { filled_by: string; phone: string }
  items: ItemForm[]
  rows: RowForm[]
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

export function toForm(detail: SelfCheckDetail): SelfCheckForm {
  return {
    header: { filled_by: text(detail.header.filled_by), phone: text(detail.header.phone) },
    items: detail.items.map((item) => ({
      code: item.code,
      title: item.title || item.code,
      criterion: item.criterion,
      compliant: item.compliant ?? null,
      situation: item.situation ?? '',
      problem: item.problem ?? '',
      measure: item.measure ?? '',
      deadline: item.deadline ?? '',
      responsible: item.responsible ?? '',
    })),
    rows: detail.rows.map((row) => ({
      project_id: row.project_id,
      no_problem: row.no_problem,
      problems: row.problems.map((p) => ({ code: (text(p.code) as ReportCode) || '', sub_code: text(p.sub_code), description: text(p.description) })),
      measure: row.measure ?? '',
      deadline: row.deadline ?? '',
      progress: row.progress ?? '',
    })),
  }
}

const orNull = (value: string): string | null => (value.trim() ? value.trim() : null)

/** The draft body: what is on screen, blanks as null; an unfinished problem line (no code) is left out. */
export function toDraft(form: SelfCheckForm, kind: string): SelfCheckDraft {
  const header = { filled_by: orNull(form.header.filled_by), phone: orNull(form.header.phone) }
  if (kind === 'qualification') {
    return {
      header,
      items: form.items.map((item) => ({
        code: item.code,
        compliant: item.compliant,
        situation: orNull(item.situation),
        problem: item.compliant === false ? orNull(item.problem) : null,
        measure: item.compliant === false ? orNull(item.measure) : null,
        deadline: item.compliant === false ? orNull(item.deadline) : null,
        responsible: item.compliant === false ? orNull(item.responsible) : null,
      })),
    }
  }
  return {
    header,
    rows: form.rows.map((row) => {
      const problems = row.no_problem
        ? []
        : row.problems.filter((p) => p.code).map((p) => ({ code: p.code as ReportCode, sub_code: orNull(p.sub_code), description: p.description.trim() }))
      return {
        project_id: row.project_id,
        no_problem: row.no_problem,
        problems,
        measure: problems.length ? orNull(row.measure) : null,
        deadline: problems.length ? orNull(row.deadline) : null,
        progress: problems.length ? orNull(row.progress) : null,
      }
    }),
  }
}

/** Client-side checks of one 附件2 item, by field (empty when fine). */
export function itemProblems(item: ItemForm): Partial<Record<ItemField, string>> {
  if (item.compliant !== false) return {}
  const out: Partial<Record<ItemField, string>> = {}
  for (const field of ITEM_FIELDS) if (!item[field].trim()) out[field] = `不符合的事项须填写${ITEM_FIELD_LABELS[field]}`
  return out
}

/** Client-side check of one 附件3 report row (null when fine or not started). */
export function rowProblem(row: RowForm): string | null {
  if (row.no_problem || row.problems.length === 0) return null
  if (row.problems.some((p) => !p.code)) return '请选择问题类别'
  if (row.problems.some((p) => !p.description.trim())) return '请描述发现的问题'
  if (!row.measure.trim() || !row.deadline) return '有问题的报告须填写整改措施和整改时限'
  return null
}

export interface PlacedErrors {
  /** `Q2` → `{ _: …, measure: … }` */
  items: Record<string, Record<string, string>>
  /** project id → message */
  rows: Record<string, string>
  other: string[]
}

/** Places a 422's `errors[]` (`items.Q2.measure`, `items.Q1`, `rows.<project_id>`) on the items and rows they name. */
export function placeErrors(errors: readonly ProblemFieldError[]): PlacedErrors {
  const placed: PlacedErrors = { items: {}, rows: {}, other: [] }
  const add = (bucket: Record<string, string>, key: string, message: string) => {
    bucket[key] = bucket[key] ? `${bucket[key]}；${message}` : message
  }
  for (const error of errors) {
    const parts = error.field.split('.').filter((p) => p !== 'body')
    if (parts[0] === 'items' && parts[1]) add((placed.items[parts[1]] ??= {}), parts[2] ?? '_', error.message)
    else if (parts[0] === 'rows' && parts[1]) add(placed.rows, parts[1], error.message)
    else placed.other.push(error.message)
  }
  return placed
}
