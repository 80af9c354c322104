import { describe, expect, it } from 'vitest'
import type { ChecklistEntry } from './city-api'
import {
  breachText,
  canRemoveAssignment,
  commonConclusion,
  comparisonRows,
  conclusionLabel,
  disagreementLines,
  progressTag,
  progressText,
  visibleRows,
} from './panel'

const checklist: ChecklistEntry[] = [
  { code: 'SS01', label: '现状或验收评价与实际不符', category: 'review_inaccurate' },
  { code: 'SS02', label: '重点部位遗漏', category: 'review_inaccurate' },
  { code: 'XJ01', label: '未到现场开展评价', category: 'review_false' },
  { code: 'MH01', label: '主要负责人未考核', category: 'major_hazard' },
  { code: 'MH02', label: '特种作业人员无证', category: 'major_hazard' },
  { code: 'MH03', label: '未涉及的隐患条目', category: 'major_hazard' },
  { code: 'PC03', label: '现场勘验记录缺失', category: 'process_control_breach' },
]

const zhou = {
  id: 11,
  expert_id: 7,
  expert_name: '周专家',
  conclusion: 'no_problem' as const,
  criteria: [
    { code: 'SS01', met: false },
    { code: 'SS02', met: false },
    { code: 'XJ01', met: false },
  ],
  hazards: [
    { code: 'MH01', status: 'evaluated' as const },
    { code: 'MH02', status: 'not_present' as const },
  ],
}
const wu = {
  id: 12,
  expert_id: 8,
  expert_name: '吴专家',
  conclusion: 'rectify' as const,
  criteria: [
    { code: 'SS01', met: false },
    { code: 'SS02', met: false, note: '  ' },
    { code: 'XJ01', met: false },
  ],
  hazards: [
    { code: 'MH01', status: 'evaluated' as const },
    { code: 'MH02', status: 'not_evaluated' as const, location: ' 第 12 页 ', note: '未识别特种作业人员持证情况' },
  ],
}

describe('the side-by-side comparison', () => {
  const rows = comparisonRows([zhou, wu], checklist, ['conclusion', 'MH02'])

  it('lists every criterion, then the hazard items someone answered, in checklist order', () => {
    expect(rows.map((r) => `${r.group}:${r.code}`)).toEqual(['criteria:SS01', 'criteria:SS02', 'criteria:XJ01', 'hazards:MH01', 'hazards:MH02'])
    expect(rows[0].label).toBe('现状或验收评价与实际不符')
  })

  it('gives one cell per opinion, worded as the server words disagreements', () => {
    const mh02 = rows.find((r) => r.code === 'MH02')!
    expect(mh02.cells.map((c) => c.opinionId)).toEqual([11, 12])
    expect(mh02.cells.map((c) => c.answer)).toEqual(['不涉及', '未评价'])
    expect(mh02.cells[1]).toMatchObject({ problem: true, location: '第 12 页', note: '未识别特种作业人员持证情况' })
    expect(mh02).toMatchObject({ differs: true, problem: true })
    expect(rows[0].cells.map((c) => c.answer)).toEqual(['否', '否'])
    expect(rows[1].cells[1].note).toBeNull()
  })

  it('marks only the server’s disagreement topics as differing', () => {
    expect(rows.filter((r) => r.differs).map((r) => r.code)).toEqual(['MH02'])
  })

  it('shows a criterion met as a problem and an unanswered one as a dash', () => {
    const met = comparisonRows([{ id: 1, criteria: [{ code: 'XJ01', met: true, location: '第 3 页' }], hazards: [] }, { id: 2, criteria: [], hazards: [] }], checklist, ['XJ01'])
    const xj01 = met.find((r) => r.code === 'XJ01')!
    expect(xj01.cells.map((c) => [c.answer, c.problem])).toEqual([
      ['是', true],
      ['—', false],
    ])
    expect(met.filter((r) => r.group === 'hazards')).toEqual([])
  })

  it('keeps codes the checklist does not know, after the known ones', () => {
    const odd = comparisonRows([{ id: 1, criteria: [{ code: 'SS09', met: false }], hazards: [{ code: 'MH21', status: 'evaluated' }] }], checklist, [])
    expect(odd.map((r) => r.code)).toEqual(['SS01', 'SS02', 'XJ01', 'SS09', 'MH21'])
    expect(odd.find((r) => r.code === 'SS09')!.label).toBe('SS09')
  })

  it('filters down to the rows that differ or found a problem', () => {
    expect(visibleRows(rows, true).map((r) => r.code)).toEqual(['MH02'])
    expect(visibleRows(rows, false)).toHaveLength(rows.length)
  })
})

describe('the disagreement summary', () => {
  it('names the experts in the opinions’ order, the conclusion without a code', () => {
    const lines = disagreementLines(
      [
        { topic: 'conclusion', label: '审查结论', answers: { '8': '存在问题需整改', '7': '未发现问题' } },
        { topic: 'MH02', label: '特种作业人员无证', answers: { '7': '不涉及', '8': '未评价', '99': '—' } },
      ],
      [zhou, wu],
    )
    expect(lines[0]).toMatchObject({ code: null, label: '审查结论' })
    expect(lines[0].answers.map((a) => `${a.expertName}:${a.answer}`)).toEqual(['周专家:未发现问题', '吴专家:存在问题需整改'])
    expect(lines[1].code).toBe('MH02')
    expect(lines[1].answers.map((a) => a.expertName)).toEqual(['周专家', '吴专家', '专家 99'])
  })
})

describe('panel helpers', () => {
  it('proposes the conclusion all experts share', () => {
    expect(commonConclusion([zhou, { conclusion: 'no_problem' }])).toBe('no_problem')
    expect(commonConclusion([zhou, wu])).toBeNull()
    expect(commonConclusion([])).toBeNull()
  })

  it('labels conclusions', () => {
    expect(conclusionLabel('false')).toBe('虚假')
    expect(conclusionLabel(null)).toBe('—')
  })

  it('lets an assignment go until the expert submitted', () => {
    expect(canRemoveAssignment({ state: 'not_started' })).toBe(true)
    expect(canRemoveAssignment({ state: 'draft' })).toBe(true)
    expect(canRemoveAssignment({ state: 'submitted' })).toBe(false)
  })

  it('words the progress of a report', () => {
    expect(progressText({ expert_count: 0, submitted_count: 0 })).toBe('未分配')
    expect(progressText({ expert_count: 3, submitted_count: 1 })).toBe('已提交 1/3')
    expect(progressTag({ expert_count: 0, submitted_count: 0 })).toBe('info')
    expect(progressTag({ expert_count: 2, submitted_count: 1 })).toBe('warning')
    expect(progressTag({ expert_count: 2, submitted_count: 2 })).toBe('success')
  })

  it('words another breach with its process-control code and legal basis', () => {
    expect(breachText({ sub_code: 'PC03', description: '缺少现场勘验影像', legal_basis: '《办法》第十二条' }, checklist)).toBe(
      'PC03 现场勘验记录缺失：缺少现场勘验影像（依据：《办法》第十二条）',
    )
    expect(breachText({ description: '报告未盖章', legal_basis: ' ' }, checklist)).toBe('报告未盖章')
  })
})
