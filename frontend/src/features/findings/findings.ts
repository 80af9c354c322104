import type { FindingAction, FindingCode } from '@/api/types'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export const FINDING_STATES: Record<string, { label: string; tagType: TagType }> = {
  open: { label: '待整改', tagType: 'danger' },
  rectifying: { label: '整改中', tagType: 'warning' },
  submitted: { label: '待验收', tagType: 'primary' },
  accepted: { label: '已验收', tagType: 'success' },
  reopened: { label: '退回重新整改', tagType: 'danger' },
}

export const FINDING_SOURCES: Record<string, string> = {
  self_check: '机构自查',
  inspection: '检查发现',
  county_check: '县区核查',
  expert_review: '专家审查',
}

export const SEVERITIES: Record<string, string> = { minor: '一般', major: '较重', critical: '严重' }

export const FINDING_CODES: readonly FindingCode[] = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'R1', 'R2', 'R3', 'R4']

export function findingStatusLabel(status: string): string {
  return FINDING_STATES[status]?.label ?? status
}

export function findingStatusTag(status: string): TagType {
  return FINDING_STATES[status]?.tagType ?? 'info'
}

export function sourceLabel(source: string): string {
  return FINDING_SOURCES[source] ?? source
}

export function severityLabel(severity: string): string {
  return SEVERITIES[severity] ?? severity
}

export interface FindingActor {
  role: string
  is_admin: boolean
  organization_id: number
}

export interface FindingFacts {
  status: string
  /** The organisation that raised the finding: a county accepts only the findings it raised itself. */
  source_organization_id: number | null
}

export interface ActionSpec {
  action: FindingAction
  label: string
  /** What the action asks for: the rectification note (submit) or the reason (reopen). */
  needs?: 'rectification_note' | 'note'
  type: 'primary' | 'success' | 'danger' | 'default'
}

export const ACTIONS: Record<FindingAction, ActionSpec> = {
  start: { action: 'start', label: '开始整改', type: 'default' },
  submit: { action: 'submit', label: '提交验收', needs: 'rectification_note', type: 'primary' },
  accept: { action: 'accept', label: '验收通过', type: 'success' },
  reopen: { action: 'reopen', label: '退回重新整改', needs: 'note', type: 'danger' },
}

/**
 * The actions this user may take on a finding now (backend/findings/policies.py): the agency's administrator
 * rectifies (start, submit); the city accepts or reopens, and so does the county bureau that raised it
 * (`source_organization_id`, which may be a check of an agency based in another county).
 */
export function allowedActions(actor: FindingActor | null | undefined, finding: FindingFacts): ActionSpec[] {
  if (!actor) return []
  const out: FindingAction[] = []
  if (actor.role === 'agency' && actor.is_admin) {
    if (finding.status === 'open' || finding.status === 'reopened') out.push('start')
    if (['open', 'rectifying', 'reopened'].includes(finding.status)) out.push('submit')
  }
  const acceptor = actor.role === 'city' || (actor.role === 'county' && finding.source_organization_id === actor.organization_id)
  if (acceptor) {
    if (finding.status === 'submitted') out.push('accept')
    if (finding.status === 'submitted' || finding.status === 'accepted') out.push('reopen')
  }
  return out.map((action) => ACTIONS[action])
}
