import type { FindingActor } from './findings'

/**
 * Who may add and remove a finding's evidence (佐证材料), as backend/findings/policies.py `may_add_evidence`
 * decides it (the backend enforces it; the page only hides what would be refused):
 * - the finding's agency (its administrators) documents its rectification while the finding is open,
 *   being rectified or reopened — not once it was submitted for acceptance, nor once accepted;
 * - the city, or the county bureau that raised the finding, adds its own material (inspection photos,
 *   acceptance records) until the finding is accepted.
 * Each removes only what its own organisation added.
 */
export interface EvidenceFinding {
  status: string
  agency_id: number
  source_organization_id: number | null
}

export interface EvidenceActor extends FindingActor {
  /** The head office of an agency branch (`me.organization.parent_id`). */
  parent_organization_id?: number | null
}

/** The statuses in which the agency may still change its rectification material. */
export const AGENCY_EVIDENCE_STATUSES: readonly string[] = ['open', 'rectifying', 'reopened']

/** What the file picker offers; on phones `image/*` lets the camera take the photo. The server judges content. */
export const EVIDENCE_ACCEPT = 'image/*,application/pdf,application/zip'

export const EVIDENCE_NOTE_MAX = 200

export function canAddEvidence(actor: FindingActor | null | undefined, finding: EvidenceFinding): boolean {
  if (!actor || finding.status === 'accepted') return false
  if (actor.role === 'agency') return actor.is_admin && AGENCY_EVIDENCE_STATUSES.includes(finding.status)
  if (actor.role === 'city') return true
  return actor.role === 'county' && finding.source_organization_id === actor.organization_id
}

/**
 * Whether the evidence was added by the actor's own organisation — for an agency, its own office or the
 * finding's agency (a head office also answers for its branches' findings, which are the only other agency
 * findings it can see).
 */
export function isOwnEvidence(actor: FindingActor, finding: EvidenceFinding, evidence: { added_by_organization_id: number }): boolean {
  if (evidence.added_by_organization_id === actor.organization_id) return true
  return actor.role === 'agency' && evidence.added_by_organization_id === finding.agency_id
}

export function canRemoveEvidence(
  actor: FindingActor | null | undefined,
  finding: EvidenceFinding,
  evidence: { added_by_organization_id: number },
): boolean {
  return !!actor && canAddEvidence(actor, finding) && isOwnEvidence(actor, finding, evidence)
}

/** Why the add control is missing, for those who could add at another stage (null: nothing to say). */
export function evidenceClosedNote(actor: FindingActor | null | undefined, finding: EvidenceFinding): string | null {
  if (!actor || canAddEvidence(actor, finding)) return null
  if (finding.status === 'accepted' && (actor.role === 'city' || actor.role === 'county' || actor.is_admin)) {
    return '问题已验收，佐证材料不能再修改'
  }
  if (actor.role === 'agency' && actor.is_admin && finding.status === 'submitted') return '已提交验收，佐证材料不能再修改；如被退回可继续补充'
  return null
}

export interface AdderContext {
  actor: EvidenceActor | null | undefined
  finding: EvidenceFinding & { agency_name: string; source: string }
  /** Names of organisations the page could look up (the counties in scope, organisations read by id). */
  names: ReadonlyMap<number, string>
}

/**
 * Who added a piece of evidence, in words. The API gives only the organisation's id; only the agency side, the
 * city and the raising county can add, so an organisation the viewer cannot look up is named by that rule.
 */
export function evidenceAdder(evidence: { added_by_organization_id: number }, context: AdderContext): string {
  const { actor, finding, names } = context
  const id = evidence.added_by_organization_id
  if (actor && id === actor.organization_id) return '本单位'
  if (id === finding.agency_id) return finding.agency_name
  const known = names.get(id)
  if (known) return known
  if (actor?.role === 'agency' && actor.parent_organization_id === id) return '本机构总部'
  if (id === finding.source_organization_id) return finding.source === 'county_check' ? '县区应急管理局' : '发现问题的单位'
  // Neither the agency side nor the raising county: by the rule above, the city.
  return '市应急管理局'
}
