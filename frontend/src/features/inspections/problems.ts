import type { FindingCode, ProblemIn, Severity } from '@/api/types'

/** One problem row of an inspection or a county check, as edited (it becomes a finding on completion). */
export interface ProblemRow {
  key: number
  code: FindingCode | ''
  sub_code: string
  description: string
  severity: Severity
  project_id: number | null
  evaluator_id: number | null
  measure: string
  deadline: string
}

let lastKey = 0

export function emptyProblem(): ProblemRow {
  return {
    key: --lastKey, // negative, so that it never meets the keys of other rows on the same page
    code: '',
    sub_code: '',
    description: '',
    severity: 'major',
    project_id: null,
    evaluator_id: null,
    measure: '',
    deadline: '',
  }
}

export function problemFromIn(problem: ProblemIn): ProblemRow {
  return {
    ...emptyProblem(),
    code: problem.code,
    sub_code: problem.sub_code ?? '',
    description: problem.description,
    severity: problem.severity ?? 'major',
    project_id: problem.project_id ?? null,
    evaluator_id: problem.evaluator_id ?? null,
    measure: problem.measure ?? '',
    deadline: problem.deadline ?? '',
  }
}

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim())

/** The row as the API takes it; call only for rows with a category and a description. */
export function problemToIn(row: ProblemRow): ProblemIn {
  return {
    code: row.code as FindingCode,
    sub_code: orNull(row.sub_code),
    description: row.description.trim(),
    severity: row.severity,
    project_id: row.project_id,
    evaluator_id: row.evaluator_id,
    measure: orNull(row.measure),
    deadline: row.deadline || null,
  }
}

/** Rows that cannot be saved yet: a category or a description is missing (a blank row counts too). */
export function isIncomplete(row: ProblemRow): boolean {
  return row.code === '' || row.description.trim() === ''
}

/** `Q3 出租出借资质、超范围执业`, or the code alone while labels load. */
export function codeText(code: string, label: (code: string) => string): string {
  const text = label(code)
  return text && text !== code ? `${code} ${text}` : code
}
