import { describe, expect, it } from 'vitest'
import type { CountyDuty, InspectionDraw } from '@/api/types'
import { drawnAgencies, formatWeight, rankedCandidates, weightShare } from './draw'
import { dutySummary } from './duty'

const draw: InspectionDraw = {
  id: 4,
  campaign_id: 2,
  seed: 'e2e-draw-1',
  target_count: 2,
  inspectors_per_target: 2,
  candidates: [
    { agency_id: 12, agency_name: '昌黎分公司', weight: 1.5, reason: '未评定信用等级，未整改问题 0 个' },
    { agency_id: 13, agency_name: '衡安', weight: 4.5, reason: '未评定信用等级，未整改问题 6 个' },
    { agency_id: 17, agency_name: '安科', weight: 3, reason: '信用等级红，未整改问题 0 个' },
    { agency_id: 15, agency_name: '正安', weight: 1.5, reason: '未评定信用等级，未整改问题 0 个' },
  ],
  excluded: [{ agency_id: 11, agency_name: '安泰', weight: 3.5, reason: '未评定信用等级，未整改问题 4 个' }],
  inspector_pool: [1, 2, 3],
  result: { '13': [1, 3], '17': [2, 9] },
  drawn_at: '2026-11-30T05:10:02Z',
  reproducible: true,
  inspection_ids: [20, 21],
}

describe('the draw result', () => {
  it('lists the drawn agencies in the draw’s order with weight, share, reason, inspectors and inspection', () => {
    const rows = drawnAgencies(draw, new Map([[1, '王执法'], [2, '刘执法'], [3, '张执法']]), new Map([[13, 20]]))
    expect(rows).toEqual([
      { agencyId: 13, agencyName: '衡安', weight: 4.5, reason: '未评定信用等级，未整改问题 6 个', share: '43%', inspectors: ['王执法', '张执法'], inspectionId: 20 },
      // An inspector missing from the names is shown by id; the inspection may not be known yet.
      { agencyId: 17, agencyName: '安科', weight: 3, reason: '信用等级红，未整改问题 0 个', share: '29%', inspectors: ['刘执法', '执法人员 #9'], inspectionId: null },
    ])
  })

  it('never drops an agency it cannot find among the candidates', () => {
    const rows = drawnAgencies({ ...draw, result: { '99': [1] } }, new Map(), new Map())
    expect(rows[0]).toMatchObject({ agencyName: '机构 #99', weight: null, share: '—', inspectors: ['执法人员 #1'] })
  })

  it('ranks the candidates heaviest first and marks the drawn ones', () => {
    expect(rankedCandidates(draw).map((c) => [c.agency_name, c.drawn, c.share])).toEqual([
      ['衡安', true, '43%'],
      ['安科', true, '29%'],
      ['昌黎分公司', false, '14%'],
      ['正安', false, '14%'],
    ])
  })

  it('shows weights and shares compactly', () => {
    expect(weightShare(1, 3)).toBe('33%')
    expect(weightShare(1, 40)).toBe('2.5%')
    expect(weightShare(1, 100)).toBe('1%')
    expect(weightShare(1, 0)).toBe('—')
    expect(formatWeight(1.5)).toBe('1.5')
    expect(formatWeight(2.25)).toBe('2.25')
    expect(formatWeight(3)).toBe('3')
    expect(formatWeight(0.1 + 0.2)).toBe('0.3')
  })
})

describe('the duty overview', () => {
  it('counts counties done and offices inspected', () => {
    const county = (id: number, offices: number, inspected: number): CountyDuty => ({
      county_id: id,
      county_name: `县区${id}`,
      office_count: offices,
      inspected_count: inspected,
      done: inspected === offices,
      offices: [],
    })
    expect(dutySummary([county(2, 1, 1), county(3, 0, 0), county(4, 2, 1)])).toEqual({ counties: 3, doneCounties: 2, offices: 3, inspected: 2 })
    expect(dutySummary([])).toEqual({ counties: 0, doneCounties: 0, offices: 0, inspected: 0 })
  })
})
