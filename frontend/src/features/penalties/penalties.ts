import type { Penalty, PenaltyIn, PenaltyMeasure, PenaltyTargetKind } from '@/api/types'
import { can } from '@/router/access'
import type { InspectionActor } from '@/features/inspections/inspection'

export const MEASURES: Record<PenaltyMeasure, string> = {
  warning: '警告',
  fine: '罚款',
  confiscation: '没收违法所得',
  suspension: '责令停业整顿',
  revocation: '吊销/撤销资质',
  ban: '禁入',
}

export const MEASURE_ORDER: readonly PenaltyMeasure[] = ['warning', 'fine', 'confiscation', 'suspension', 'revocation', 'ban']

export const TARGET_KINDS: Record<PenaltyTargetKind, string> = { agency: '评价机构', evaluator: '从业人员' }

/** The server's ceiling for a fine (yuan). */
export const MAX_FINE = 100_000_000

export function measuresText(measures: readonly string[]): string {
  if (measures.length === 0) return '—'
  return measures.map((m) => MEASURES[m as PenaltyMeasure] ?? m).join('、')
}

/** Digits grouped by thousands: `1234567` → `1,234,567`. */
function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * A sum in yuan as people read it, `50,000.00 元`; the API's decimal string is used as it is (no float rounding).
 * '—' when there is none.
 */
export function formatYuan(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim()
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)
  if (!match) return String(value)
  const [, sign, whole, fraction = ''] = match
  const cents = (fraction + '00').slice(0, 2)
  return `${sign}${grouped(whole.replace(/^0+(?=\d)/, ''))}.${cents} 元`
}

/**
 * What the fine field holds, as the API's decimal string: commas, spaces and a trailing 元 are allowed;
 * `error` says why it is not a valid amount.
 */
export function parseYuan(input: string): { value: string | null; error: string } {
  const text = input.replace(/[,，\s]/g, '').replace(/元$/, '')
  if (text === '') return { value: null, error: '' }
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return { value: null, error: '请输入金额（元），最多两位小数' }
  const [whole, fraction = ''] = text.split('.')
  const normalized = `${whole.replace(/^0+(?=\d)/, '')}.${(fraction + '00').slice(0, 2)}`
  if (Number(normalized) <= 0) return { value: null, error: '罚款金额须大于 0' }
  if (Number(normalized) > MAX_FINE) return { value: null, error: '罚款金额不超过 1 亿元' }
  return { value: normalized, error: '' }
}

/** Only the organisation that decided may change a penalty, and not one the enforcement system sent. */
export function canEditPenalty(actor: InspectionActor | null | undefined, penalty: Pick<Penalty, 'source' | 'decided_by_organization_id'>): boolean {
  return !!actor && can(actor, 'penalties:manage') && penalty.source === 'manual' && penalty.decided_by_organization_id === actor.organization.id
}

export function targetText(penalty: Pick<Penalty, 'target_kind' | 'agency_name' | 'evaluator_name'>): string {
  return penalty.target_kind === 'evaluator' ? `${penalty.evaluator_name ?? '—'}（${penalty.agency_name}）` : penalty.agency_name
}

export interface PenaltyForm {
  campaign_id: number | null
  target_kind: PenaltyTargetKind
  agency_id: number | null
  evaluator_id: number | null
  inspection_id: number | null
  decision_number: string
  decided_on: string
  legal_basis: string
  measures: PenaltyMeasure[]
  fine_amount: string
  facts: string
  file_id: number | null
}

export function penaltyFormOf(penalty: Penalty | null, defaults: { campaign_id: number | null; decided_on: string }): PenaltyForm {
  return {
    campaign_id: penalty ? penalty.campaign_id : defaults.campaign_id,
    target_kind: penalty?.target_kind ?? 'agency',
    agency_id: penalty?.agency_id ?? null,
    evaluator_id: penalty?.evaluator_id ?? null,
    inspection_id: penalty?.inspection_id ?? null,
    decision_number: penalty?.decision_number ?? '',
    decided_on: penalty?.decided_on ?? defaults.decided_on,
    legal_basis: penalty?.legal_basis ?? '',
    measures: [...(penalty?.measures ?? [])],
    fine_amount: penalty?.fine_amount ?? '',
    facts: penalty?.facts ?? '',
    file_id: penalty?.file?.id ?? null,
  }
}

/** The body to send: the evaluator only for a penalty on a person, the amount only with a fine. */
export function penaltyPayload(form: PenaltyForm): PenaltyIn {
  const fine = form.measures.includes('fine') ? parseYuan(form.fine_amount).value : null
  return {
    campaign_id: form.campaign_id,
    target_kind: form.target_kind,
    agency_id: form.agency_id as number,
    evaluator_id: form.target_kind === 'evaluator' ? form.evaluator_id : null,
    inspection_id: form.inspection_id,
    decision_number: form.decision_number.trim(),
    decided_on: form.decided_on,
    legal_basis: form.legal_basis.trim(),
    measures: MEASURE_ORDER.filter((m) => form.measures.includes(m)),
    fine_amount: fine,
    facts: form.facts.trim() === '' ? null : form.facts.trim(),
    file_id: form.file_id,
  }
}
