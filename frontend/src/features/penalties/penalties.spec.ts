import { describe, expect, it } from 'vitest'
import type { Penalty } from '@/api/types'
import { canEditPenalty, formatYuan, measuresText, parseYuan, penaltyFormOf, penaltyPayload, targetText } from './penalties'

describe('money', () => {
  it('shows yuan with thousands separators and two decimals, from the API’s decimal strings', () => {
    expect(formatYuan('50000.00')).toBe('50,000.00 元')
    expect(formatYuan('1234567.5')).toBe('1,234,567.50 元')
    expect(formatYuan('100000000.00')).toBe('100,000,000.00 元')
    expect(formatYuan('999.99')).toBe('999.99 元')
    expect(formatYuan('0.5')).toBe('0.50 元')
    expect(formatYuan('007')).toBe('7.00 元')
    expect(formatYuan(30000)).toBe('30,000.00 元')
    expect(formatYuan(null)).toBe('—')
    expect(formatYuan('')).toBe('—')
  })

  it('reads what is typed into the fine field', () => {
    expect(parseYuan('50000')).toEqual({ value: '50000.00', error: '' })
    expect(parseYuan('50,000.5 元')).toEqual({ value: '50000.50', error: '' })
    expect(parseYuan(' 1，000 ')).toEqual({ value: '1000.00', error: '' })
    expect(parseYuan('')).toEqual({ value: null, error: '' })
    expect(parseYuan('12.345').error).toMatch(/两位小数/)
    expect(parseYuan('五万').error).toMatch(/金额/)
    expect(parseYuan('-5').error).toMatch(/金额/)
    expect(parseYuan('0').error).toMatch(/大于 0/)
    expect(parseYuan('100000000.01').error).toMatch(/1 亿元/)
    expect(parseYuan('100000000')).toEqual({ value: '100000000.00', error: '' })
  })
})

const penalty = (over: Partial<Penalty> = {}): Penalty => ({
  id: 1,
  campaign_id: 2,
  target_kind: 'agency',
  agency_id: 11,
  agency_name: '河北安泰安全评价有限公司',
  evaluator_id: null,
  evaluator_name: null,
  county_id: 2,
  inspection_id: 5,
  decided_by_organization_id: 1,
  decided_by_organization_name: '秦皇岛市应急管理局',
  decision_number: '（秦）应急罚〔2026〕1号',
  decided_on: '2026-11-30',
  legal_basis: '《中华人民共和国安全生产法》第九十二条第一款',
  measures: ['warning', 'fine'],
  fine_amount: '50000.00',
  facts: null,
  source: 'manual',
  file: null,
  created_at: '2026-11-30T05:10:06Z',
  ...over,
})

describe('penalty records', () => {
  it('names measures and targets', () => {
    expect(measuresText(['warning', 'fine', 'revocation'])).toBe('警告、罚款、吊销/撤销资质')
    expect(measuresText([])).toBe('—')
    expect(targetText(penalty())).toBe('河北安泰安全评价有限公司')
    expect(targetText(penalty({ target_kind: 'evaluator', evaluator_id: 3, evaluator_name: '刘春生' }))).toBe('刘春生（河北安泰安全评价有限公司）')
  })

  it('lets only the deciding organisation change a record it entered by hand', () => {
    const city = { role: 'city', permissions: ['penalties:read', 'penalties:manage'], organization: { id: 1 } }
    const county = { role: 'county', permissions: ['penalties:read', 'penalties:manage'], organization: { id: 2 } }
    const agency = { role: 'agency', permissions: ['penalties:read'], organization: { id: 11 } }
    expect([city, county, agency].map((who) => canEditPenalty(who, penalty()))).toEqual([true, false, false])
    expect(canEditPenalty(city, penalty({ source: 'enforcement_system' }))).toBe(false)
    expect(canEditPenalty(null, penalty())).toBe(false)
  })

  it('sends the amount only with a fine, the evaluator only for a person, the measures in order', () => {
    const form = penaltyFormOf(penalty(), { campaign_id: null, decided_on: '2026-12-01' })
    expect(form.fine_amount).toBe('50000.00')
    expect(form.decided_on).toBe('2026-11-30')
    form.measures = ['fine', 'warning']
    form.fine_amount = '60,000'
    form.evaluator_id = 3
    const body = penaltyPayload(form)
    expect(body.measures).toEqual(['warning', 'fine'])
    expect(body.fine_amount).toBe('60000.00')
    expect(body.evaluator_id).toBeNull()
    expect(body.facts).toBeNull()

    form.measures = ['warning']
    form.target_kind = 'evaluator'
    expect(penaltyPayload(form)).toMatchObject({ fine_amount: null, evaluator_id: 3, target_kind: 'evaluator' })

    const fresh = penaltyFormOf(null, { campaign_id: 2, decided_on: '2026-12-01' })
    expect(fresh).toMatchObject({ campaign_id: 2, decided_on: '2026-12-01', target_kind: 'agency', measures: [], file_id: null })
  })
})
