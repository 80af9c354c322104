import type { Assignment, ChecklistEntry, Disagreement, Opinion, ReviewableReport } from './city-api'
import { CONCLUSION_LABELS, HAZARD_STATUS_LABELS, type Conclusion, type HazardStatus } from './labels'

/** Hazard answers that are a problem of the report (they raise an R3 finding, backend/reviews/checklist.py). */
export const HAZARD_PROBLEMS: readonly HazardStatus[] = ['evaluated_incorrectly', 'not_evaluated']

export const METHOD_LABELS: Record<Assignment['method'], string> = { manual: '手动', random: '随机' }

export type RowGroup = 'criteria' | 'hazards'

export interface ComparisonCell {
  opinionId: number
  /** As the server words it in `disagreements`: 是 / 否 for a criterion, the status label for a hazard item. */
  answer: string
  /** The expert found a problem here (a criterion met, a hazard evaluated incorrectly or not at all). */
  problem: boolean
  location: string | null
  note: string | null
}

export interface ComparisonRow {
  code: string
  label: string
  group: RowGroup
  /** One cell per opinion, in the opinions' order. */
  cells: ComparisonCell[]
  /** The experts answer differently (a topic of the panel's `disagreements`). */
  differs: boolean
  problem: boolean
}

const EMPTY = '—'
const blank = (text: string | null | undefined) => (text && text.trim() ? text.trim() : null)

function criterionAnswer(met: boolean | null | undefined): string {
  return met === true ? '是' : met === false ? '否' : EMPTY
}

/** Checklist codes in the backend's order, then codes the checklist does not know (kept, never dropped). */
function orderedCodes(known: readonly string[], answered: Iterable<string>, include: (code: string) => boolean): string[] {
  const seen = new Set(answered)
  const listed = known.filter(include)
  return [...listed, ...[...seen].filter((code) => !listed.includes(code)).sort()]
}

/**
 * The side-by-side comparison of the experts' opinions: every 失实/虚假 criterion, then each major-hazard item
 * anyone answered (only the enterprise's applicable ones are asked), each with one cell per opinion.
 */
export function comparisonRows(
  opinions: readonly Pick<Opinion, 'id' | 'criteria' | 'hazards'>[],
  checklist: readonly ChecklistEntry[],
  disagreementTopics: Iterable<string>,
): ComparisonRow[] {
  const topics = new Set(disagreementTopics)
  const labels = new Map(checklist.map((entry) => [entry.code, entry.label]))
  const criteriaKnown = checklist.filter((e) => e.category === 'review_inaccurate' || e.category === 'review_false').map((e) => e.code)
  const hazardsKnown = checklist.filter((e) => e.category === 'major_hazard').map((e) => e.code)
  const answeredCriteria = opinions.flatMap((o) => (o.criteria ?? []).map((a) => a.code))
  const answeredHazards = opinions.flatMap((o) => (o.hazards ?? []).filter((a) => a.status).map((a) => a.code))

  const rows: ComparisonRow[] = []
  const push = (code: string, group: RowGroup, cells: ComparisonCell[]) =>
    rows.push({ code, label: labels.get(code) ?? code, group, cells, differs: topics.has(code), problem: cells.some((c) => c.problem) })

  for (const code of orderedCodes(criteriaKnown, answeredCriteria, () => true)) {
    push(
      code,
      'criteria',
      opinions.map((opinion) => {
        const answer = (opinion.criteria ?? []).find((a) => a.code === code)
        return {
          opinionId: opinion.id,
          answer: criterionAnswer(answer?.met),
          problem: answer?.met === true,
          location: blank(answer?.location),
          note: blank(answer?.note),
        }
      }),
    )
  }
  const hazardsAnswered = new Set(answeredHazards)
  for (const code of orderedCodes(hazardsKnown, answeredHazards, (c) => hazardsAnswered.has(c))) {
    push(
      code,
      'hazards',
      opinions.map((opinion) => {
        const answer = (opinion.hazards ?? []).find((a) => a.code === code)
        const status = answer?.status ?? null
        return {
          opinionId: opinion.id,
          answer: status ? HAZARD_STATUS_LABELS[status] : EMPTY,
          problem: !!status && HAZARD_PROBLEMS.includes(status),
          location: blank(answer?.location),
          note: blank(answer?.note),
        }
      }),
    )
  }
  return rows
}

/** With `onlyNotable`, just the rows where the experts differ or someone found a problem. */
export function visibleRows(rows: readonly ComparisonRow[], onlyNotable: boolean): ComparisonRow[] {
  return onlyNotable ? rows.filter((row) => row.differs || row.problem) : [...rows]
}

export interface DisagreementLine {
  topic: string
  /** The checklist code, or null for the conclusion itself. */
  code: string | null
  label: string
  answers: { expertId: number; expertName: string; answer: string }[]
}

/** A disagreement with the experts named (the server keys the answers by expert user id). */
export function disagreementLines(
  disagreements: readonly Disagreement[],
  opinions: readonly Pick<Opinion, 'expert_id' | 'expert_name'>[],
): DisagreementLine[] {
  const names = new Map(opinions.map((o) => [String(o.expert_id), o.expert_name]))
  const order = opinions.map((o) => String(o.expert_id))
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length)
  return disagreements.map((d) => ({
    topic: d.topic,
    code: d.topic === 'conclusion' ? null : d.topic,
    label: d.label,
    answers: Object.entries(d.answers)
      .sort(([a], [b]) => rank(a) - rank(b) || Number(a) - Number(b))
      .map(([id, answer]) => ({ expertId: Number(id), expertName: names.get(id) ?? `专家 ${id}`, answer })),
  }))
}

/** The conclusion all experts reached, to propose as the decision; null when they differ or none submitted. */
export function commonConclusion(opinions: readonly Pick<Opinion, 'conclusion'>[]): Conclusion | null {
  const found = new Set(opinions.map((o) => o.conclusion ?? null))
  if (found.size !== 1) return null
  return [...found][0] ?? null
}

export function conclusionLabel(conclusion: string | null | undefined): string {
  return conclusion ? (CONCLUSION_LABELS[conclusion as Conclusion] ?? conclusion) : EMPTY
}

/** An assignment may be withdrawn until its expert submitted an opinion (the server answers 409 after). */
export function canRemoveAssignment(assignment: Pick<Assignment, 'state'>): boolean {
  return assignment.state !== 'submitted'
}

/** A report's review progress in the list: 未分配, or 已提交 n/m. */
export function progressText(report: Pick<ReviewableReport, 'expert_count' | 'submitted_count'>): string {
  return report.expert_count === 0 ? '未分配' : `已提交 ${report.submitted_count}/${report.expert_count}`
}

export function progressTag(report: Pick<ReviewableReport, 'expert_count' | 'submitted_count'>): 'info' | 'warning' | 'success' {
  if (report.expert_count === 0) return 'info'
  return report.submitted_count >= report.expert_count ? 'success' : 'warning'
}

/** `PC03 label：description（依据：…）` for an opinion's other breach. */
export function breachText(
  breach: { sub_code?: string | null; description: string; legal_basis?: string | null },
  checklist: readonly ChecklistEntry[],
): string {
  const code = breach.sub_code ? `${breach.sub_code} ${checklist.find((e) => e.code === breach.sub_code)?.label ?? ''}`.trim() : ''
  const basis = blank(breach.legal_basis)
  return `${code ? `${code}：` : ''}${breach.description}${basis ? `（依据：${basis}）` : ''}`
}
