import { describe, expect, it } from 'vitest'
import { allowedActions, findingStatusLabel, findingStatusTag, sourceLabel } from './findings'

const agencyAdmin = { role: 'agency', is_admin: true, organization_id: 30 }
const agencyStaff = { role: 'agency', is_admin: false, organization_id: 30 }
const city = { role: 'city', is_admin: false, organization_id: 1 }
const county = { role: 'county', is_admin: true, organization_id: 5 }
const names = (list: { action: string }[]) => list.map((a) => a.action)
const facts = (status: string, source_organization_id: number | null = 30) => ({ status, source_organization_id })

describe('finding actions by role', () => {
  it('lets the agency administrator rectify', () => {
    expect(names(allowedActions(agencyAdmin, facts('open')))).toEqual(['start', 'submit'])
    expect(names(allowedActions(agencyAdmin, facts('rectifying')))).toEqual(['submit'])
    expect(names(allowedActions(agencyAdmin, facts('reopened')))).toEqual(['start', 'submit'])
    expect(names(allowedActions(agencyAdmin, facts('submitted')))).toEqual([])
    expect(names(allowedActions(agencyStaff, facts('open')))).toEqual([])
  })

  it('lets the city accept or reopen', () => {
    expect(names(allowedActions(city, facts('submitted')))).toEqual(['accept', 'reopen'])
    expect(names(allowedActions(city, facts('accepted')))).toEqual(['reopen'])
    expect(names(allowedActions(city, facts('open')))).toEqual([])
  })

  it('lets a county act only on the findings it raised', () => {
    expect(names(allowedActions(county, facts('submitted', 5)))).toEqual(['accept', 'reopen'])
    expect(names(allowedActions(county, facts('accepted', 5)))).toEqual(['reopen'])
    expect(names(allowedActions(county, facts('submitted', 6)))).toEqual([])
    // An agency's own self-check finding is accepted by the city.
    expect(names(allowedActions(county, facts('submitted', 30)))).toEqual([])
    expect(names(allowedActions(county, facts('submitted', null)))).toEqual([])
    expect(allowedActions(null, facts('open'))).toEqual([])
  })

  it('labels states and sources', () => {
    expect(findingStatusLabel('reopened')).toBe('退回重新整改')
    expect(findingStatusTag('accepted')).toBe('success')
    expect(sourceLabel('county_check')).toBe('县区核查')
  })
})
