import { describe, expect, it } from 'vitest'
import { canAddEvidence, canRemoveEvidence, evidenceAdder, evidenceClosedNote, type EvidenceActor } from './evidence'

const AGENCY = 30
const BRANCH = 31
const CITY = 1
const HAIGANG = 5
const CHANGLI = 6

const agencyAdmin: EvidenceActor = { role: 'agency', is_admin: true, organization_id: AGENCY }
const agencyStaff: EvidenceActor = { role: 'agency', is_admin: false, organization_id: AGENCY }
const branchAdmin: EvidenceActor = { role: 'agency', is_admin: true, organization_id: BRANCH, parent_organization_id: AGENCY }
const city: EvidenceActor = { role: 'city', is_admin: false, organization_id: CITY }
const haigang: EvidenceActor = { role: 'county', is_admin: true, organization_id: HAIGANG }
const changli: EvidenceActor = { role: 'county', is_admin: true, organization_id: CHANGLI }
const expert: EvidenceActor = { role: 'expert', is_admin: false, organization_id: 90 }

const STATUSES = ['open', 'rectifying', 'submitted', 'accepted', 'reopened'] as const
const finding = (status: string, source_organization_id: number | null = HAIGANG, agency_id = AGENCY) => ({ status, agency_id, source_organization_id })
const by = (added_by_organization_id: number) => ({ added_by_organization_id })

/** Who may add per status, in the order of STATUSES. */
function matrix(actor: EvidenceActor | null, source: number | null = HAIGANG): boolean[] {
  return STATUSES.map((status) => canAddEvidence(actor, finding(status, source)))
}

describe('who may add evidence, by role and status', () => {
  it('the agency administrator while rectifying, not once submitted or accepted', () => {
    expect(matrix(agencyAdmin)).toEqual([true, true, false, false, true])
    expect(matrix(branchAdmin)).toEqual([true, true, false, false, true])
  })

  it('not the agency staff without administration rights, nor an expert, nor nobody', () => {
    expect(matrix(agencyStaff)).toEqual([false, false, false, false, false])
    expect(matrix(expert)).toEqual([false, false, false, false, false])
    expect(matrix(null)).toEqual([false, false, false, false, false])
  })

  it('the city until the finding is accepted, whoever raised it', () => {
    expect(matrix(city)).toEqual([true, true, true, false, true])
    expect(matrix(city, AGENCY)).toEqual([true, true, true, false, true])
  })

  it('a county only on the findings it raised, until accepted', () => {
    expect(matrix(haigang, HAIGANG)).toEqual([true, true, true, false, true])
    expect(matrix(changli, HAIGANG)).toEqual([false, false, false, false, false])
    // The agency's own self-check finding (raised by the agency), even in the county's jurisdiction.
    expect(matrix(haigang, AGENCY)).toEqual([false, false, false, false, false])
    expect(matrix(haigang, null)).toEqual([false, false, false, false, false])
  })
})

describe('who may remove evidence', () => {
  it('only what the own organisation added, and only while it may add', () => {
    expect(canRemoveEvidence(agencyAdmin, finding('open'), by(AGENCY))).toBe(true)
    expect(canRemoveEvidence(agencyAdmin, finding('open'), by(CITY))).toBe(false)
    expect(canRemoveEvidence(agencyAdmin, finding('submitted'), by(AGENCY))).toBe(false)
    expect(canRemoveEvidence(city, finding('submitted'), by(CITY))).toBe(true)
    expect(canRemoveEvidence(city, finding('submitted'), by(AGENCY))).toBe(false)
    expect(canRemoveEvidence(city, finding('accepted'), by(CITY))).toBe(false)
    expect(canRemoveEvidence(haigang, finding('rectifying'), by(HAIGANG))).toBe(true)
    expect(canRemoveEvidence(haigang, finding('rectifying'), by(CITY))).toBe(false)
    expect(canRemoveEvidence(changli, finding('rectifying'), by(CHANGLI))).toBe(false)
    expect(canRemoveEvidence(null, finding('open'), by(AGENCY))).toBe(false)
  })

  it('a head office also removes what its branch added to the branch’s finding; a branch not the head office’s', () => {
    const branchFinding = finding('open', HAIGANG, BRANCH)
    expect(canRemoveEvidence(agencyAdmin, branchFinding, by(BRANCH))).toBe(true)
    expect(canRemoveEvidence(branchAdmin, branchFinding, by(BRANCH))).toBe(true)
    expect(canRemoveEvidence(branchAdmin, branchFinding, by(AGENCY))).toBe(false)
  })
})

describe('why the add control is missing', () => {
  it('tells the agency after submitting and everyone entitled after acceptance', () => {
    expect(evidenceClosedNote(agencyAdmin, finding('submitted'))).toMatch(/已提交验收/)
    expect(evidenceClosedNote(agencyAdmin, finding('accepted'))).toMatch(/已验收/)
    expect(evidenceClosedNote(city, finding('accepted'))).toMatch(/已验收/)
    expect(evidenceClosedNote(agencyAdmin, finding('open'))).toBeNull()
    expect(evidenceClosedNote(agencyStaff, finding('submitted'))).toBeNull()
    expect(evidenceClosedNote(changli, finding('open'))).toBeNull()
  })
})

describe('who added a piece of evidence', () => {
  const facts = (source: string, source_organization_id: number | null, agency_id = AGENCY) => ({
    status: 'open',
    agency_id,
    agency_name: '河北安泰安全评价有限公司',
    source,
    source_organization_id,
  })
  const label = (actor: EvidenceActor | null, id: number, f = facts('county_check', HAIGANG), names = new Map<number, string>()) =>
    evidenceAdder(by(id), { actor, finding: f, names })

  it('names the own organisation and the agency', () => {
    expect(label(agencyAdmin, AGENCY)).toBe('本单位')
    expect(label(city, AGENCY)).toBe('河北安泰安全评价有限公司')
    expect(label(city, CITY)).toBe('本单位')
  })

  it('uses names the viewer could read, then the rule of who may add', () => {
    expect(label(city, HAIGANG, facts('county_check', HAIGANG), new Map([[HAIGANG, '海港区应急管理局']]))).toBe('海港区应急管理局')
    expect(label(agencyAdmin, HAIGANG)).toBe('县区应急管理局')
    expect(label(agencyAdmin, CITY)).toBe('市应急管理局')
    expect(label(agencyAdmin, CITY, facts('inspection', CITY))).toBe('发现问题的单位')
    expect(label(branchAdmin, AGENCY, facts('self_check', BRANCH, BRANCH))).toBe('本机构总部')
  })
})
