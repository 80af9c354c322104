import { describe, expect, it } from 'vitest'
import type { InspectionDetail } from '@/api/types'
import {
  atBeijing,
  beijingTime,
  canEditInspection,
  canRecordDocuments,
  checklistHints,
  completionGaps,
  contentOf,
  deliveryLabel,
  deliveryTag,
  documentKindLabel,
  formFromDetail,
  keepCurrentErrors,
  placeErrors,
  problemForCode,
  snapshotErrors,
  timeRange,
  type ChecklistRow,
  type InspectionForm,
} from './inspection'
import { emptyProblem } from './problems'

const detail = (over: Partial<InspectionDetail> = {}): InspectionDetail => ({
  id: 5,
  campaign_id: 2,
  kind: 'county_duty',
  draw_id: null,
  agency_id: 11,
  agency_name: '河北安泰安全评价有限公司',
  county_id: 2,
  organization_id: 2,
  organization_name: '海港区应急管理局',
  status: 'draft',
  inspected_on: '2026-11-30',
  problem_count: 1,
  document_count: 0,
  delivery: null,
  completed_at: null,
  created_at: '2026-11-30T01:00:00Z',
  started_at: '2026-11-30T01:30:00Z',
  ended_at: null,
  place: '机构办公场所',
  on_site_person: null,
  inspectors: [
    { id: 1, name: '王执法', certificate_number: '13030020001' },
    { id: 2, name: '刘执法', certificate_number: '13030020002' },
  ],
  checklist: [{ code: 'Q2', result: 'non_compliant', note: '两人无劳动合同' }],
  spot_checks: [{ project_id: 28, archive_complete: false, missing: ['现场影像资料'], note: null }],
  problems: [{ code: 'Q2', sub_code: null, description: '两名评价师无劳动合同', severity: 'major', project_id: null, evaluator_id: 3, measure: null, deadline: null }],
  summary: null,
  finding_ids: [],
  files: [],
  documents: [],
  delivery_error: null,
  ...over,
})

const rows = (...results: (ChecklistRow['result'])[]): ChecklistRow[] =>
  (['Q1', 'Q2', 'Q3', 'Q4', 'Q5'] as const).map((code, i) => ({ code, result: results[i] ?? null, note: '' }))

describe('times of the inspection', () => {
  it('joins the date and a time of day in Beijing time, and reads them back', () => {
    expect(atBeijing('2026-11-30', '09:30')).toBe('2026-11-30T09:30:00+08:00')
    expect(atBeijing('2026-11-30', '')).toBeNull()
    expect(atBeijing('', '09:30')).toBeNull()
    // The server answers in UTC.
    expect(beijingTime('2026-11-30T01:30:00Z')).toBe('09:30')
    expect(beijingTime('2026-11-30T17:05:00Z')).toBe('01:05')
    expect(beijingTime('2026-11-30T09:30:00+08:00')).toBe('09:30')
    expect(beijingTime(null)).toBe('')
    expect(beijingTime('not a time')).toBe('')
    expect(timeRange('2026-11-30T01:30:00Z', '2026-11-30T03:45:00Z')).toBe('09:30–11:45')
    expect(timeRange('2026-11-30T01:30:00Z', null)).toBe('09:30–?')
    expect(timeRange(null, null)).toBe('—')
  })
})

describe('the record’s form', () => {
  it('takes the server’s record with all five checklist items, and sends it back', () => {
    const form = formFromDetail(detail())
    expect(form.start_time).toBe('09:30')
    expect(form.end_time).toBe('')
    expect(form.inspector_ids).toEqual([1, 2])
    expect(form.checklist.map((c) => [c.code, c.result])).toEqual([
      ['Q1', null],
      ['Q2', 'non_compliant'],
      ['Q3', null],
      ['Q4', null],
      ['Q5', null],
    ])
    const { content, sentProblems, skippedProblems } = contentOf(form)
    expect(content.started_at).toBe('2026-11-30T09:30:00+08:00')
    expect(content.ended_at).toBeNull()
    expect(content.on_site_person).toBe('') // '' clears on the server, null would be ignored
    expect(content.checklist?.[1]).toEqual({ code: 'Q2', result: 'non_compliant', note: '两人无劳动合同' })
    expect(content.spot_checks).toEqual([{ project_id: 28, archive_complete: false, missing: ['现场影像资料'], note: null }])
    expect(content.problems).toEqual([
      { code: 'Q2', sub_code: null, description: '两名评价师无劳动合同', severity: 'major', project_id: null, evaluator_id: 3, measure: null, deadline: null },
    ])
    expect(sentProblems).toEqual([form.problems[0].key])
    expect(skippedProblems).toBe(0)
  })

  it('holds back rows that cannot be saved yet, and remembers which rows were sent', () => {
    const form = formFromDetail(detail())
    const blank = emptyProblem()
    const second = { ...emptyProblem(), code: 'R1' as const, description: ' 报告失实 ' }
    form.problems.push(blank, second)
    form.spot_checks.push({ key: 999, project_id: null, archive_complete: null, missing: [], note: '' })
    form.inspector_ids = [1, 2, 1]
    const sent = contentOf(form)
    expect(sent.content.problems?.map((p) => p.description)).toEqual(['两名评价师无劳动合同', '报告失实'])
    expect(sent.sentProblems).toEqual([form.problems[0].key, second.key])
    expect(sent.skippedProblems).toBe(1)
    expect(sent.skippedSpotChecks).toBe(1)
    expect(sent.content.inspector_ids).toEqual([1, 2])
  })

  it('starts a problem for a non-compliant item from its note', () => {
    const problem = problemForCode('Q3', ' 超范围执业 ')
    expect(problem.code).toBe('Q3')
    expect(problem.description).toBe('超范围执业')
    expect(problem.severity).toBe('major')
  })
})

describe('checklist and problems agree', () => {
  it('asks for a problem for each non-compliant item, and questions a compliant one with a problem', () => {
    const checklist = rows('compliant', 'non_compliant', 'non_compliant', 'not_checked', null)
    expect(checklistHints(checklist, [{ code: 'Q3' }, { code: 'Q1' }])).toEqual({
      Q1: 'Q1 判定为符合，但「问题」中列有 Q1 的问题，请核对',
      Q2: 'Q2 不符合，请在「问题」中列明',
    })
    expect(checklistHints(rows('compliant', 'compliant'), [{ code: 'R1' }])).toEqual({})
  })

  it('lists what still stands between the record and completion', () => {
    const form: InspectionForm = {
      inspected_on: '2026-11-30',
      start_time: '11:00',
      end_time: '10:00',
      place: ' ',
      on_site_person: '',
      inspector_ids: [1, 1],
      checklist: rows('compliant', 'non_compliant', null, null, 'compliant'),
      spot_checks: [],
      problems: [{ ...emptyProblem(), code: 'Q2', description: '' }],
      summary: '',
    }
    expect(completionGaps(form)).toEqual(['执法人员不少于 2 名', '结束时间须晚于开始时间', '检查地点', '检查项 Q3、Q4 的结果', '不符合项 Q2 的问题'])
    form.inspector_ids = [1, 2]
    form.end_time = '11:30'
    form.place = '办公场所'
    form.checklist = rows('compliant', 'non_compliant', 'not_checked', 'compliant', 'compliant')
    form.problems[0].description = '无劳动合同'
    expect(completionGaps(form)).toEqual([])
    form.start_time = ''
    expect(completionGaps(form)).toEqual(['检查起止时间'])
  })
})

describe('the server’s field errors', () => {
  it('places a refused completion on the fields, the checklist items and the rows sent', () => {
    const placed = placeErrors(
      [
        { field: 'inspector_ids', message: '现场检查须有 2 名以上执法人员' },
        { field: 'started_at', message: '请填写检查起止时间' },
        { field: 'body.place', message: '请填写检查地点' },
        { field: 'checklist.Q1', message: '请填写检查项 Q1 的检查结果' },
        { field: 'checklist.Q3', message: 'Q3 不符合，请在问题中列明' },
        { field: 'problems.1.project_id', message: '该项目不是被检查机构出具的报告' },
        { field: 'spot_checks.0.project_id', message: '该项目不是被检查机构出具的报告' },
        { field: 'inspector_ids.0', message: '执法人员不存在' },
        { field: 'problems.7.code', message: '不在发送的行里' },
        { field: 'something_else', message: '别的问题' },
      ],
      { problems: [-4, -9], spotChecks: [12] },
    )
    expect(placed.fields).toEqual({
      inspector_ids: '现场检查须有 2 名以上执法人员；执法人员不存在',
      started_at: '请填写检查起止时间',
      place: '请填写检查地点',
    })
    expect(placed.checklist).toEqual({ Q1: '请填写检查项 Q1 的检查结果', Q3: 'Q3 不符合，请在问题中列明' })
    expect(placed.problems).toEqual({ [-9]: '该项目不是被检查机构出具的报告' })
    expect(placed.spotChecks).toEqual({ 12: '该项目不是被检查机构出具的报告' })
    expect(placed.other).toEqual(['不在发送的行里', '别的问题'])
  })

  it('drops an error once what it is about was edited', () => {
    const form = formFromDetail(detail())
    const placed = placeErrors(
      [
        { field: 'place', message: '请填写检查地点' },
        { field: 'ended_at', message: '检查结束时间须晚于开始时间' },
        { field: 'checklist.Q1', message: '请填写检查项 Q1 的检查结果' },
        { field: 'checklist.Q2', message: 'Q2 不符合，请在问题中列明' },
      ],
      { problems: [], spotChecks: [] },
    )
    const snapshots = snapshotErrors(placed, form)
    expect(keepCurrentErrors(placed, snapshots, form)).toEqual(placed)
    form.place = '办公场所'
    form.checklist[0].result = 'compliant'
    const kept = keepCurrentErrors(placed, snapshots, form)
    expect(kept.fields).toEqual({ ended_at: '检查结束时间须晚于开始时间' })
    expect(kept.checklist).toEqual({ Q2: 'Q2 不符合，请在问题中列明' })
    form.end_time = '11:00'
    expect(keepCurrentErrors(placed, snapshots, form).fields).toEqual({})
  })
})

describe('who may change what', () => {
  const county = { role: 'county', permissions: ['inspections:read', 'inspections:manage'], organization: { id: 2 } }
  const otherCounty = { ...county, organization: { id: 3 } }
  const city = { role: 'city', permissions: ['inspections:read', 'inspections:manage'], organization: { id: 1 } }
  const agency = { role: 'agency', permissions: ['inspections:read'], organization: { id: 11 } }

  it('lets the inspecting organisation (or the city) edit a draft, and record documents once completed', () => {
    const draft = { status: 'draft', organization_id: 2 }
    const done = { status: 'completed', organization_id: 2 }
    expect([county, otherCounty, city, agency].map((who) => canEditInspection(who, draft))).toEqual([true, false, true, false])
    expect([county, otherCounty, city, agency].map((who) => canEditInspection(who, done))).toEqual([false, false, false, false])
    expect([county, otherCounty, city, agency].map((who) => canRecordDocuments(who, done))).toEqual([true, false, true, false])
    expect(canRecordDocuments(county, draft)).toBe(false)
    expect(canEditInspection(null, draft)).toBe(false)
  })
})

describe('labels', () => {
  it('names the delivery states and document kinds in Chinese', () => {
    expect(deliveryLabel('not_configured')).toBe('未配置执法系统接口（手工登记）')
    expect(['pending', 'delivered', 'dead'].map(deliveryLabel)).toEqual(['报送中', '已报送', '报送失败'])
    expect(deliveryTag('dead')).toBe('danger')
    expect(deliveryLabel(null)).toBe('—')
    expect(documentKindLabel('rectification_order')).toBe('责令限期整改指令书')
    expect(documentKindLabel('unknown')).toBe('unknown')
  })
})
