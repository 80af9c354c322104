import { describe, expect, it } from 'vitest'
import { allowedActions, findingStatusLabel, findingStatusTag, sourceLabel } from './findings'

const agencyAdmin = { role: 'agency', is_admin: true, organization_id: 30 }
const agencyStaff = { role: 'agency', is_admin: false, organization_id: 30 }
const city = { role: 'city', is_admin: false, organization_id: 1 }
const county = { role: 'county', is_admin: true, organization_id: 5 }
const names = (list: { action: string }[]) => list.map((a) => a.action)
const facts = (status: string, source = 'self_check', county_id: number | null = 5) => ({ status, source, county_id })

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

  it('lets a county act only on its own county checks', () => {
    expect(names(allowedActions(county, facts('submitted', 'county_check', 5)))).toEqual(['accept', 'reopen'])
    expect(names(allowedActions(county, facts('submitted', 'county_check', 6)))).toEqual([])
    expect(names(allowedActions(county, facts('submitted', 'self_check', 5)))).toEqual([])
    expect(allowedActions(null, facts('open'))).toEqual([])
  })

  it('labels states and sources', () => {
    expect(findingStatusLabel('reopened')).toBe('退回重新整改')
    expect(findingStatusTag('accepted')).toBe('success')
    expect(sourceLabel('county_check')).toBe('县区核查')
  })
})
