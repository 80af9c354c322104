import type { ProblemFieldError } from '@/api/problem'
import type { Opinion, OpinionContent, ProjectMember } from './expert-api'
import type { Conclusion, HazardStatus } from './labels'

/**
 * The review checklist as the expert fills it in (backend/reviews/checklist.py): R1 失实 SS01–SS08 and R2 虚假
 * XJ01–XJ06 (存在 / 不存在), the major-accident-hazard items that apply to the enterprise, other breaches (R4),
 * the opinion and the conclusion.
 */

export interface CriterionForm {
  met: boolean | null
  location: string
  note: string
  evaluator_ids: number[]
}

export interface HazardForm {
  status: HazardStatus | null
  location: string
  note: string
  evaluator_ids: number[]
}

export interface BreachForm {
  sub_code: string
  description: string
  legal_basis: string
  location: string
  evaluator_ids: number[]
}

export interface OpinionForm {
  criteria: Record<string, CriterionForm>
  hazards: Record<string, HazardForm>
  other_breaches: BreachForm[]
  opinion_text: string
  conclusion: Conclusion | null
}

/** The codes this assignment's checklist asks about, in checklist order. */
export interface ChecklistCodes {
  /** SS01–SS08 then XJ01–XJ06. */
  criteria: string[]
  /** The hazard items that apply to the enterprise. */
  hazards: string[]
}

export const CONCLUSIONS: readonly Conclusion[] = ['no_problem', 'rectify', 'inaccurate', 'false']
export const HAZARD_STATUSES: readonly HazardStatus[] = ['not_present', 'evaluated', 'evaluated_incorrectly', 'not_evaluated']

/** A hazard answer that is a problem of the report (and so needs a location). */
export function isHazardProblem(status: HazardStatus | null | undefined): boolean {
  return status === 'evaluated_incorrectly' || status === 'not_evaluated'
}

export const emptyCriterion = (): CriterionForm => ({ met: null, location: '', note: '', evaluator_ids: [] })
export const emptyHazard = (): HazardForm => ({ status: null, location: '', note: '', evaluator_ids: [] })
export const emptyBreach = (): BreachForm => ({ sub_code: '', description: '', legal_basis: '', location: '', evaluator_ids: [] })

export function emptyForm(codes: ChecklistCodes): OpinionForm {
  return {
    criteria: Object.fromEntries(codes.criteria.map((code) => [code, emptyCriterion()])),
    hazards: Object.fromEntries(codes.hazards.map((code) => [code, emptyHazard()])),
    other_breaches: [],
    opinion_text: '',
    conclusion: null,
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')
const ids = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : [])
const orNull = (value: string): string | null => (value.trim() ? value.trim() : null)

type StoredContent = Pick<Opinion, 'criteria' | 'hazards' | 'other_breaches' | 'opinion_text' | 'conclusion'>

/** The form of a stored opinion (or a blank one); answers to codes outside this checklist are left out. */
export function toForm(opinion: Partial<StoredContent> | null, codes: ChecklistCodes): OpinionForm {
  const form = emptyForm(codes)
  for (const answer of opinion?.criteria ?? []) {
    if (!(answer.code in form.criteria)) continue
    form.criteria[answer.code] = { met: answer.met ?? null, location: text(answer.location), note: text(answer.note), evaluator_ids: ids(answer.evaluator_ids) }
  }
  for (const answer of opinion?.hazards ?? []) {
    if (!(answer.code in form.hazards)) continue
    form.hazards[answer.code] = { status: answer.status ?? null, location: text(answer.location), note: text(answer.note), evaluator_ids: ids(answer.evaluator_ids) }
  }
  form.other_breaches = (opinion?.other_breaches ?? []).map((b) => ({
    sub_code: text(b.sub_code),
    description: text(b.description),
    legal_basis: text(b.legal_basis),
    location: text(b.location),
    evaluator_ids: ids(b.evaluator_ids),
  }))
  form.opinion_text = text(opinion?.opinion_text)
  form.conclusion = opinion?.conclusion ?? null
  return form
}

/** Whether a breach row goes to the server: the API requires a description, so a row just added waits for one. */
export const isSendable = (breach: BreachForm): boolean => breach.description.trim() !== ''

/**
 * The draft body: every checklist code once; a location, note and evaluators only where a problem was found (so
 * that switching back to 不存在 does not leave a stale location on the signed document).
 */
export function toContent(form: OpinionForm, codes: ChecklistCodes): OpinionContent {
  return {
    criteria: codes.criteria.map((code) => {
      const answer = form.criteria[code] ?? emptyCriterion()
      const met = answer.met === true
      return {
        code,
        met: answer.met,
        location: met ? orNull(answer.location) : null,
        note: met ? orNull(answer.note) : null,
        evaluator_ids: met ? [...answer.evaluator_ids] : [],
      }
    }),
    hazards: codes.hazards.map((code) => {
      const answer = form.hazards[code] ?? emptyHazard()
      const problem = isHazardProblem(answer.status)
      return {
        code,
        status: answer.status,
        location: problem ? orNull(answer.location) : null,
        note: problem ? orNull(answer.note) : null,
        evaluator_ids: problem ? [...answer.evaluator_ids] : [],
      }
    }),
    other_breaches: form.other_breaches.filter(isSendable).map((b) => ({
      sub_code: b.sub_code || null,
      description: b.description.trim(),
      legal_basis: orNull(b.legal_basis),
      location: orNull(b.location),
      evaluator_ids: [...b.evaluator_ids],
    })),
    opinion_text: orNull(form.opinion_text),
    conclusion: form.conclusion,
  }
}

/**
 * The conclusion the server will accept for these answers: any XJ met → 虚假; else any SS met → 失实; else any
 * hazard evaluated incorrectly or not at all, or any other breach → 存在问题需整改; else 未发现问题.
 */
export function suggestedConclusion(form: OpinionForm, codes: ChecklistCodes): Conclusion {
  const met = (prefix: string) => codes.criteria.some((code) => code.startsWith(prefix) && form.criteria[code]?.met === true)
  if (met('XJ')) return 'false'
  if (met('SS')) return 'inaccurate'
  if (codes.hazards.some((code) => isHazardProblem(form.hazards[code]?.status)) || form.other_breaches.some(isSendable)) return 'rectify'
  return 'no_problem'
}

/** How many checklist items are judged (存在 / 不存在, or a hazard status), of how many. */
export function progress(form: OpinionForm, codes: ChecklistCodes): { done: number; total: number } {
  const criteria = codes.criteria.filter((code) => typeof form.criteria[code]?.met === 'boolean').length
  const hazards = codes.hazards.filter((code) => !!form.hazards[code]?.status).length
  return { done: criteria + hazards, total: codes.criteria.length + codes.hazards.length }
}

/** The first item not judged yet (its item key), or null when all are. */
export function firstUndecided(form: OpinionForm, codes: ChecklistCodes): string | null {
  const criterion = codes.criteria.find((code) => typeof form.criteria[code]?.met !== 'boolean')
  if (criterion) return `criteria.${criterion}`
  const hazard = codes.hazards.find((code) => !form.hazards[code]?.status)
  return hazard ? `hazards.${hazard}` : null
}

/** Which answers an item key's `criteria.SS05` / `hazards.MH04` part names. */
export type ItemKind = 'criteria' | 'hazards'

/** One of the checklist's judged parts: R1 失实, R2 虚假, R3 重大事故隐患. */
export interface ChecklistSection {
  kind: ItemKind
  id: 'r1' | 'r2' | 'r3'
  title: string
  hint: string
  codes: string[]
}

export function checklistSections(inaccurate: readonly string[], falsified: readonly string[], hazards: readonly string[]): ChecklistSection[] {
  const judge = '逐项判断报告是否存在下列情形。'
  return [
    { kind: 'criteria', id: 'r1', title: '一、报告失实情形（R1）', hint: judge, codes: [...inaccurate] },
    { kind: 'criteria', id: 'r2', title: '二、报告虚假情形（R2）', hint: judge, codes: [...falsified] },
    {
      kind: 'hazards',
      id: 'r3',
      title: '三、重大事故隐患（R3）',
      hint: `列出适用于该企业的判定标准条目（${hazards.length} 项），逐项判断报告的评价情况。`,
      codes: [...hazards],
    },
  ]
}

/** Whether an item's answer is a problem of the report: 存在, or a hazard evaluated incorrectly or not at all. */
export function isItemProblem(form: OpinionForm, kind: ItemKind, code: string): boolean {
  return kind === 'criteria' ? form.criteria[code]?.met === true : isHazardProblem(form.hazards[code]?.status)
}

/** A change to one item's answer (or one 其他问题 row), as the sections report it to the page that owns the form. */
export type AnswerPatch = Partial<CriterionForm> | Partial<HazardForm>
export type BreachPatch = Partial<BreachForm>

export interface EvaluatorOption {
  value: number
  label: string
}

/** The project's team members registered as evaluators: the ones a problem can be attributed to. */
export function evaluatorOptions(members: readonly ProjectMember[], roleLabel: (role: string) => string): EvaluatorOption[] {
  return members.flatMap((m) => (m.evaluator_id === null ? [] : [{ value: m.evaluator_id, label: `${m.name}（${roleLabel(m.role)}）` }]))
}

/** A problem found without saying where in the report (the server refuses to sign it). */
export function lacksLocation(answer: { location: string }, isProblem: boolean): boolean {
  return isProblem && !answer.location.trim()
}

// --- Server errors on the fields they name ---

export interface PlacedError {
  /** The checklist item: `criteria.SS05`, `hazards.MH04`, `other_breaches.2` (form row), `opinion_text`, `conclusion`. */
  key: string
  /** The field of the item (`location`, `evaluator_ids`, …), `_` for the item as a whole. */
  field: string
  message: string
}

export interface OpinionErrors {
  /** item key → field → message */
  byKey: Record<string, Record<string, string>>
  /** In the server's (checklist) order, for the summary. */
  list: PlacedError[]
  /** A refused signature (the name typed does not match). */
  signature: string | null
}

export const noErrors = (): OpinionErrors => ({ byKey: {}, list: [], signature: null })

/**
 * Places a 422's `errors[]` on the checklist: `criteria.SS05.location`, `hazards.MH04`, `opinion_text`… An index
 * the server gives (`other_breaches.0`, or `criteria.3` from request validation) counts what was sent, so it is
 * turned back into the code, or the form row, it stands for.
 */
export function placeErrors(errors: readonly ProblemFieldError[], form: OpinionForm, codes: ChecklistCodes): OpinionErrors {
  const list: PlacedError[] = []
  let signature: string | null = null
  const sentRows = form.other_breaches.flatMap((b, index) => (isSendable(b) ? [index] : []))
  for (const error of errors) {
    const parts = error.field.split('.').filter((p) => p !== 'body' && p !== '')
    const [section, which, field = '_'] = parts
    let key: string
    if (section === 'signature') {
      signature = signature ? `${signature}；${error.message}` : error.message
      continue
    } else if ((section === 'criteria' || section === 'hazards') && which) {
      const sent = section === 'criteria' ? codes.criteria : codes.hazards
      const code = /^\d+$/.test(which) ? sent[Number(which)] : which
      key = code ? `${section}.${code}` : section
    } else if (section === 'other_breaches' && which && /^\d+$/.test(which)) {
      key = `other_breaches.${sentRows[Number(which)] ?? Number(which)}`
    } else if (section === 'opinion_text' || section === 'conclusion') {
      key = section
    } else {
      key = 'other'
    }
    list.push({ key, field: key === 'other' || key === section ? '_' : field, message: error.message })
  }
  return errorsFrom(list, signature)
}

/** The errors of a list, filed by item and field (two on the same field are joined). */
export function errorsFrom(list: readonly PlacedError[], signature: string | null = null): OpinionErrors {
  const byKey: OpinionErrors['byKey'] = {}
  for (const e of list) {
    const bucket = (byKey[e.key] ??= {})
    bucket[e.field] = bucket[e.field] ? `${bucket[e.field]}；${e.message}` : e.message
  }
  return { byKey, list: [...list], signature }
}

/** Rows of 其他问题 started but without a description: never sent (see isSendable), so the server cannot name them. */
export function unsentBreachErrors(form: OpinionForm): OpinionErrors {
  return errorsFrom(
    form.other_breaches.flatMap((b, index) =>
      !isSendable(b) && (b.sub_code || b.legal_basis.trim() || b.location.trim() || b.evaluator_ids.length)
        ? [{ key: `other_breaches.${index}`, field: 'description', message: `其他问题 ${index + 1}：请填写问题描述，或删除该行` }]
        : [],
    ),
  )
}

/** Why a typed signature is refused before it is sent ('' when it may go): it must be the signed-in user's name. */
export function signatureError(typed: string, fullName: string): string {
  if (!typed.trim()) return '请输入您的姓名作为签名'
  if (fullName && typed.trim() !== fullName) return `签名须为本人姓名“${fullName}”`
  return ''
}

/** The message on one field of an item ('' when none). */
export function errorOf(errors: OpinionErrors, key: string, field = '_'): string {
  return errors.byKey[key]?.[field] ?? ''
}

/** The DOM id of an item's block, to scroll to it. */
export function anchorOf(key: string): string {
  return `opinion-${key.replace(/\./g, '-')}`
}

/** What an item holds now; an error is dropped once its item changed since the submit that reported it. */
export function itemSnapshot(form: OpinionForm, key: string): string {
  const [section, which] = key.split('.')
  if (section === 'criteria') return JSON.stringify(form.criteria[which] ?? null)
  if (section === 'hazards') return JSON.stringify(form.hazards[which] ?? null)
  if (section === 'other_breaches') return JSON.stringify(form.other_breaches[Number(which)] ?? null)
  if (section === 'opinion_text') return form.opinion_text
  if (section === 'conclusion') return String(form.conclusion)
  return ''
}

/** The errors whose items still hold what they held when the errors were placed. */
export function keepCurrentErrors(errors: OpinionErrors, snapshots: Record<string, string>, form: OpinionForm): OpinionErrors {
  const list = errors.list.filter((e) => e.key === 'other' || snapshots[e.key] === itemSnapshot(form, e.key))
  return list.length === errors.list.length ? errors : errorsFrom(list, errors.signature)
}

// --- The unsaved copy kept in the browser ---

/** The edits not yet saved, kept in localStorage per assignment until the server has them. */
export interface LocalOpinionDraft {
  /** The version the edits belong to (1 before the first save); a copy for another version is dropped. */
  version: number
  form: OpinionForm
}

export function opinionDraftKey(assignmentId: number): string {
  return `anping.review-opinion-draft.${assignmentId}`
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The form with a stored copy's answers put back. The copy comes from storage, so it is read defensively: only
 * this checklist's codes and well-typed values are taken.
 */
export function mergeLocalForm(base: OpinionForm, local: unknown, codes: ChecklistCodes): OpinionForm {
  if (!isObject(local)) return base
  const merged = toForm(null, codes)
  const criteria = isObject(local.criteria) ? local.criteria : {}
  const hazards = isObject(local.hazards) ? local.hazards : {}
  for (const code of codes.criteria) {
    const saved = criteria[code]
    merged.criteria[code] = isObject(saved)
      ? { met: typeof saved.met === 'boolean' ? saved.met : null, location: text(saved.location), note: text(saved.note), evaluator_ids: ids(saved.evaluator_ids) }
      : { ...base.criteria[code] }
  }
  for (const code of codes.hazards) {
    const saved = hazards[code]
    merged.hazards[code] = isObject(saved)
      ? {
          status: HAZARD_STATUSES.includes(saved.status as HazardStatus) ? (saved.status as HazardStatus) : null,
          location: text(saved.location),
          note: text(saved.note),
          evaluator_ids: ids(saved.evaluator_ids),
        }
      : { ...base.hazards[code] }
  }
  merged.other_breaches = Array.isArray(local.other_breaches)
    ? local.other_breaches.filter(isObject).map((b) => ({
        sub_code: text(b.sub_code),
        description: text(b.description),
        legal_basis: text(b.legal_basis),
        location: text(b.location),
        evaluator_ids: ids(b.evaluator_ids),
      }))
    : base.other_breaches.map((b) => ({ ...b }))
  merged.opinion_text = typeof local.opinion_text === 'string' ? local.opinion_text : base.opinion_text
  merged.conclusion = CONCLUSIONS.includes(local.conclusion as Conclusion) ? (local.conclusion as Conclusion) : local.conclusion === null ? null : base.conclusion
  return merged
}

export function sameForm(a: OpinionForm, b: OpinionForm): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
