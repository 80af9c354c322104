import { describe, expect, it } from 'vitest'
import type { CountyCheck } from '@/api/types'
import { canEditCheck, checkContentOf, checkFormOf, checkGaps, placeCheckErrors, verdictText } from './county-check'
import { emptyProblem } from './problems'
import { outboxStatusLabel, topicLabel } from './outbox'

const check = (over: Partial<CountyCheck> = {}): CountyCheck => ({
  id: 1,
  campaign_id: 2,
  county_id: 2,
  project_id: 28,
  project_name: '鑫源化工建设项目安全验收评价',
  report_number: '1B67KM-2023-028',
  enterprise_name: '秦皇岛鑫源化工有限公司',
  agency_id: 11,
  agency_name: '河北安泰安全评价有限公司',
  status: 'draft',
  finding_ids: [],
  completed_at: null,
  created_at: '2026-11-30T05:10:09Z',
  checked_on: '2026-11-30',
  legality_ok: true,
  legality_note: null,
  completeness_ok: false,
  completeness_note: '缺现场影像',
  truthfulness_ok: null,
  truthfulness_note: null,
  problems: [],
  ...over,
})

describe('county checks', () => {
  it('asks for the three verdicts, and for problems when one is negative', () => {
    const form = checkFormOf(check())
    expect(checkGaps(form)).toEqual(['真实性的核查结论', '完整性存在问题，请列明问题'])
    form.truthfulness_ok = true
    form.problems.push({ ...emptyProblem(), code: 'R1', description: '缺少现场勘验影像资料' })
    expect(checkGaps(form)).toEqual([])
  })

  it('sends the draft without half-filled problems and places the refusal', () => {
    const form = checkFormOf(check())
    const kept = { ...emptyProblem(), code: 'R1' as const, description: '报告失实' }
    form.problems.push(emptyProblem(), kept)
    const sent = checkContentOf(form)
    expect(sent.content).toMatchObject({ legality_ok: true, completeness_ok: false, completeness_note: '缺现场影像', truthfulness_ok: null })
    expect(sent.content.problems?.map((p) => p.code)).toEqual(['R1'])
    expect(sent.sentProblems).toEqual([kept.key])
    expect(sent.skippedProblems).toBe(1)

    const placed = placeCheckErrors(
      [
        { field: 'truthfulness_ok', message: '请给出真实性的核查结论' },
        { field: 'problems', message: '完整性存在问题，请列明问题' },
        { field: 'problems.0.evaluator_id', message: '评价人员不属于出具报告的机构' },
        { field: 'elsewhere', message: '别的' },
      ],
      sent.sentProblems,
    )
    expect(placed.fields).toEqual({ truthfulness_ok: '请给出真实性的核查结论', problems: '完整性存在问题，请列明问题' })
    expect(placed.problems).toEqual({ [kept.key]: '评价人员不属于出具报告的机构' })
    expect(placed.other).toEqual(['别的'])
  })

  it('lets the county of the check (or the city) edit a draft', () => {
    const county = { role: 'county', permissions: ['county_checks:read', 'county_checks:manage'], organization: { id: 2 } }
    const other = { ...county, organization: { id: 3 } }
    const city = { role: 'city', permissions: ['county_checks:read', 'county_checks:manage'], organization: { id: 1 } }
    const agency = { role: 'agency', permissions: ['county_checks:read'], organization: { id: 11 } }
    expect([county, other, city, agency].map((who) => canEditCheck(who, check()))).toEqual([true, false, true, false])
    expect(canEditCheck(county, check({ status: 'completed' }))).toBe(false)
    expect([true, false, null].map(verdictText)).toEqual(['符合', '存在问题', '未填写'])
  })
})

describe('the outbox', () => {
  it('names states and topics', () => {
    expect(['dead', 'pending', 'delivered'].map(outboxStatusLabel)).toEqual(['报送失败', '报送中', '已报送'])
    expect(topicLabel('inspection.completed')).toBe('检查结果')
    expect(topicLabel('other')).toBe('other')
  })
})
