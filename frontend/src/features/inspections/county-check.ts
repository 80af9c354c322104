import type { CountyCheck, CountyCheckContent } from '@/api/types'
import { can } from '@/router/access'
import type { InspectionActor } from './inspection'
import { problemFromIn, problemToIn, type ProblemRow } from './problems'

export type Aspect = 'legality' | 'completeness' | 'truthfulness'

/** The three questions a county asks of an enterprise's report. */
export const ASPECTS: readonly { key: Aspect; label: string; question: string }[] = [
  { key: 'legality', label: '合法性', question: '机构资质、业务范围、评价程序和人员是否符合规定' },
  { key: 'completeness', label: '完整性', question: '报告内容、附件和过程控制档案是否齐全' },
  { key: 'truthfulness', label: '真实性', question: '报告内容与企业实际、现场勘验情况是否一致' },
]

export interface CheckForm {
  checked_on: string
  legality_ok: boolean | null
  legality_note: string
  completeness_ok: boolean | null
  completeness_note: string
  truthfulness_ok: boolean | null
  truthfulness_note: string
  problems: ProblemRow[]
}

export function checkFormOf(check: CountyCheck): CheckForm {
  return {
    checked_on: check.checked_on ?? '',
    legality_ok: check.legality_ok ?? null,
    legality_note: check.legality_note ?? '',
    completeness_ok: check.completeness_ok ?? null,
    completeness_note: check.completeness_note ?? '',
    truthfulness_ok: check.truthfulness_ok ?? null,
    truthfulness_note: check.truthfulness_note ?? '',
    problems: (check.problems ?? []).map(problemFromIn),
  }
}

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim())

/** The draft as sent; half-filled problem rows wait until they have a category and a description. */
export function checkContentOf(form: CheckForm): { content: CountyCheckContent; sentProblems: number[]; skippedProblems: number } {
  const problems = form.problems.filter((row) => row.code !== '' && row.description.trim() !== '')
  return {
    content: {
      checked_on: form.checked_on || null,
      legality_ok: form.legality_ok,
      legality_note: orNull(form.legality_note),
      completeness_ok: form.completeness_ok,
      completeness_note: orNull(form.completeness_note),
      truthfulness_ok: form.truthfulness_ok,
      truthfulness_note: orNull(form.truthfulness_note),
      problems: problems.map(problemToIn),
    },
    sentProblems: problems.map((row) => row.key),
    skippedProblems: form.problems.length - problems.length,
  }
}

/** What is still missing before 完成核查 (the server checks the same). */
export function checkGaps(form: CheckForm): string[] {
  const gaps: string[] = []
  const open = ASPECTS.filter((a) => form[`${a.key}_ok`] === null)
  if (open.length) gaps.push(`${open.map((a) => a.label).join('、')}的核查结论`)
  const failed = ASPECTS.filter((a) => form[`${a.key}_ok`] === false)
  const listed = form.problems.some((p) => p.code !== '' && p.description.trim() !== '')
  if (failed.length && !listed) gaps.push(`${failed.map((a) => a.label).join('、')}存在问题，请列明问题`)
  return gaps
}

export interface CheckErrors {
  fields: Record<string, string>
  problems: Record<number, string>
  other: string[]
}

const CHECK_FIELDS = ['checked_on', 'legality_ok', 'completeness_ok', 'truthfulness_ok', 'legality_note', 'completeness_note', 'truthfulness_note', 'problems', 'project_id', 'campaign_id']

/** Places a refusal's `errors[]`: `legality_ok`, `problems` (none listed), `problems.1.evaluator_id` (a row). */
export function placeCheckErrors(errors: readonly { field: string; message: string }[], sentProblems: readonly number[]): CheckErrors {
  const placed: CheckErrors = { fields: {}, problems: {}, other: [] }
  const add = (record: Record<string | number, string>, key: string | number, message: string) => {
    record[key] = record[key] ? `${record[key]}；${message}` : message
  }
  for (const { field, message } of errors) {
    const [head, index] = field.split('.').filter((part) => part !== 'body')
    if (head === 'problems' && index !== undefined && /^\d+$/.test(index)) {
      const key = sentProblems[Number(index)]
      if (key === undefined) placed.other.push(message)
      else add(placed.problems, key, message)
    } else if (CHECK_FIELDS.includes(head)) {
      add(placed.fields, head, message)
    } else {
      placed.other.push(message)
    }
  }
  return placed
}

/** A draft is edited by the county it belongs to (or the city). */
export function canEditCheck(actor: InspectionActor | null | undefined, check: { status: string; county_id: number }): boolean {
  if (!actor || !can(actor, 'county_checks:manage') || check.status !== 'draft') return false
  return actor.role === 'city' || check.county_id === actor.organization.id
}

export function verdictText(value: boolean | null | undefined): string {
  return value === true ? '符合' : value === false ? '存在问题' : '未填写'
}
