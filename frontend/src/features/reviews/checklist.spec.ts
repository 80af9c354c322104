import { describe, expect, it } from 'vitest'
import { clearLocalDraft, readLocalDraft, writeLocalDraft } from '@/features/self-checks/autosave'
import {
  anchorOf,
  checklistSections,
  emptyBreach,
  emptyForm,
  errorOf,
  evaluatorOptions,
  firstUndecided,
  isItemProblem,
  itemSnapshot,
  keepCurrentErrors,
  mergeLocalForm,
  opinionDraftKey,
  placeErrors,
  progress,
  sameForm,
  signatureError,
  suggestedConclusion,
  toContent,
  toForm,
  unsentBreachErrors,
  type ChecklistCodes,
  type LocalOpinionDraft,
} from './checklist'

const codes: ChecklistCodes = { criteria: ['SS01', 'SS05', 'XJ01'], hazards: ['MH01', 'MH04'] }

describe('suggested conclusion', () => {
  it('is 未发现问题 when nothing is found', () => {
    const form = emptyForm(codes)
    expect(suggestedConclusion(form, codes)).toBe('no_problem')
    form.criteria.SS01.met = false
    form.hazards.MH01.status = 'evaluated'
    form.hazards.MH04.status = 'not_present'
    expect(suggestedConclusion(form, codes)).toBe('no_problem')
  })

  it('is 存在问题需整改 for a hazard evaluated wrongly or not at all, or another breach', () => {
    const form = emptyForm(codes)
    form.hazards.MH04.status = 'not_evaluated'
    expect(suggestedConclusion(form, codes)).toBe('rectify')
    form.hazards.MH04.status = 'evaluated_incorrectly'
    expect(suggestedConclusion(form, codes)).toBe('rectify')
    form.hazards.MH04.status = 'evaluated'
    form.other_breaches.push(emptyBreach())
    expect(suggestedConclusion(form, codes), 'a row without a description is not sent').toBe('no_problem')
    form.other_breaches[0].description = '现场勘验照片无拍摄时间'
    expect(suggestedConclusion(form, codes)).toBe('rectify')
  })

  it('is 失实 for any SS met, and 虚假 for any XJ met, whatever else was found', () => {
    const form = emptyForm(codes)
    form.hazards.MH01.status = 'not_evaluated'
    form.criteria.SS05.met = true
    expect(suggestedConclusion(form, codes)).toBe('inaccurate')
    form.criteria.XJ01.met = true
    expect(suggestedConclusion(form, codes)).toBe('false')
    form.criteria.XJ01.met = false
    expect(suggestedConclusion(form, codes)).toBe('inaccurate')
  })

  it('ignores hazard answers outside the applicable items', () => {
    const form = emptyForm(codes)
    form.hazards.MH20 = { status: 'not_evaluated', location: '', note: '', evaluator_ids: [] }
    expect(suggestedConclusion(form, codes)).toBe('no_problem')
  })
})

describe('progress', () => {
  it('counts the judged criteria and hazard items', () => {
    const form = emptyForm(codes)
    expect(progress(form, codes)).toEqual({ done: 0, total: 5 })
    expect(firstUndecided(form, codes)).toBe('criteria.SS01')
    form.criteria.SS01.met = false
    form.criteria.SS05.met = true
    form.hazards.MH04.status = 'evaluated'
    expect(progress(form, codes)).toEqual({ done: 3, total: 5 })
    expect(firstUndecided(form, codes)).toBe('criteria.XJ01')
    form.criteria.XJ01.met = false
    expect(firstUndecided(form, codes)).toBe('hazards.MH01')
    form.hazards.MH01.status = 'not_present'
    expect(progress(form, codes)).toEqual({ done: 5, total: 5 })
    expect(firstUndecided(form, codes)).toBeNull()
  })
})

describe('draft body', () => {
  it('sends every code once, with location, note and evaluators only for a problem', () => {
    const form = emptyForm(codes)
    form.criteria.SS01 = { met: false, location: '第 3 页', note: '旧说明', evaluator_ids: [7] }
    form.criteria.SS05 = { met: true, location: ' 第 35 页 ', note: '', evaluator_ids: [7, 9] }
    form.hazards.MH01 = { status: 'evaluated', location: '5.2 节', note: 'x', evaluator_ids: [7] }
    form.hazards.MH04 = { status: 'not_evaluated', location: '6.1 节', note: '未评价自动化控制', evaluator_ids: [] }
    form.other_breaches = [
      { sub_code: 'PC04', description: ' 无影像资料 ', legal_basis: '', location: '档案 02', evaluator_ids: [9] },
      { ...emptyBreach(), location: '第 1 页' },
    ]
    form.opinion_text = '   '
    form.conclusion = 'inaccurate'
    expect(toContent(form, codes)).toEqual({
      criteria: [
        { code: 'SS01', met: false, location: null, note: null, evaluator_ids: [] },
        { code: 'SS05', met: true, location: '第 35 页', note: null, evaluator_ids: [7, 9] },
        { code: 'XJ01', met: null, location: null, note: null, evaluator_ids: [] },
      ],
      hazards: [
        { code: 'MH01', status: 'evaluated', location: null, note: null, evaluator_ids: [] },
        { code: 'MH04', status: 'not_evaluated', location: '6.1 节', note: '未评价自动化控制', evaluator_ids: [] },
      ],
      other_breaches: [{ sub_code: 'PC04', description: '无影像资料', legal_basis: null, location: '档案 02', evaluator_ids: [9] }],
      opinion_text: null,
      conclusion: 'inaccurate',
    })
  })

  it('reads a stored opinion back, leaving out codes the checklist does not ask', () => {
    const form = toForm(
      {
        criteria: [
          { code: 'SS05', met: true, location: '第 35 页', note: null, evaluator_ids: [7] },
          { code: 'SS08', met: true, location: 'x', note: null, evaluator_ids: [] },
        ],
        hazards: [{ code: 'MH04', status: 'evaluated_incorrectly', location: null, note: '说明', evaluator_ids: [] }],
        other_breaches: [{ sub_code: null, description: '合同无效', legal_basis: null, location: null, evaluator_ids: [] }],
        opinion_text: '意见',
        conclusion: 'inaccurate',
      },
      codes,
    )
    expect(Object.keys(form.criteria)).toEqual(['SS01', 'SS05', 'XJ01'])
    expect(form.criteria.SS05).toEqual({ met: true, location: '第 35 页', note: '', evaluator_ids: [7] })
    expect(form.criteria.SS01.met).toBeNull()
    expect(form.hazards.MH04).toEqual({ status: 'evaluated_incorrectly', location: '', note: '说明', evaluator_ids: [] })
    expect(form.hazards.MH01.status).toBeNull()
    expect(form.other_breaches).toEqual([{ sub_code: '', description: '合同无效', legal_basis: '', location: '', evaluator_ids: [] }])
    expect(form.opinion_text).toBe('意见')
    expect(form.conclusion).toBe('inaccurate')
  })
})

describe('submit errors on the fields', () => {
  it('places each path on its item and field', () => {
    const form = emptyForm(codes)
    // The first row has no description, so the server's other_breaches.0 is the form's second row.
    form.other_breaches = [emptyBreach(), { ...emptyBreach(), description: '合同无效' }]
    const placed = placeErrors(
      [
        { field: 'criteria.SS01', message: '请判断 SS01（现状或验收评价与实际不符）' },
        { field: 'criteria.SS05.location', message: 'SS05：请注明报告中的页码或章节' },
        { field: 'hazards.MH04', message: '请判断 MH04' },
        { field: 'other_breaches.0.location', message: '其他问题 1：请注明页码或章节' },
        { field: 'body.criteria.2.note', message: '说明过长' },
        { field: 'opinion_text', message: '请填写审查意见' },
        { field: 'conclusion', message: '请选择审查结论' },
        { field: 'signature', message: '签名须为专家本人姓名“周专家”' },
        { field: 'campaign', message: '其他' },
      ],
      form,
      codes,
    )
    expect(errorOf(placed, 'criteria.SS01')).toBe('请判断 SS01（现状或验收评价与实际不符）')
    expect(errorOf(placed, 'criteria.SS05', 'location')).toBe('SS05：请注明报告中的页码或章节')
    expect(errorOf(placed, 'criteria.SS05')).toBe('')
    expect(errorOf(placed, 'hazards.MH04')).toBe('请判断 MH04')
    expect(errorOf(placed, 'other_breaches.1', 'location')).toBe('其他问题 1：请注明页码或章节')
    expect(errorOf(placed, 'criteria.XJ01', 'note')).toBe('说明过长')
    expect(errorOf(placed, 'opinion_text')).toBe('请填写审查意见')
    expect(errorOf(placed, 'conclusion')).toBe('请选择审查结论')
    expect(placed.signature).toBe('签名须为专家本人姓名“周专家”')
    expect(errorOf(placed, 'other')).toBe('其他')
    expect(placed.list.map((e) => e.key)).toEqual([
      'criteria.SS01',
      'criteria.SS05',
      'hazards.MH04',
      'other_breaches.1',
      'criteria.XJ01',
      'opinion_text',
      'conclusion',
      'other',
    ])
    expect(anchorOf('criteria.SS05')).toBe('opinion-criteria-SS05')
    expect(anchorOf('other_breaches.1')).toBe('opinion-other_breaches-1')
  })

  it('drops an error once its item is edited', () => {
    const form = emptyForm(codes)
    const placed = placeErrors(
      [
        { field: 'criteria.SS01', message: '请判断 SS01' },
        { field: 'opinion_text', message: '请填写审查意见' },
      ],
      form,
      codes,
    )
    const snapshots = Object.fromEntries(placed.list.map((e) => [e.key, itemSnapshot(form, e.key)]))
    expect(keepCurrentErrors(placed, snapshots, form)).toBe(placed)
    form.criteria.SS01.met = false
    const kept = keepCurrentErrors(placed, snapshots, form)
    expect(kept.list.map((e) => e.key)).toEqual(['opinion_text'])
    expect(errorOf(kept, 'criteria.SS01')).toBe('')
    expect(errorOf(kept, 'opinion_text')).toBe('请填写审查意见')
  })
})

describe('before the submit', () => {
  it('names the rows of 其他问题 started without a description', () => {
    const form = emptyForm(codes)
    form.other_breaches = [
      { ...emptyBreach(), description: '合同无效' },
      emptyBreach(),
      { ...emptyBreach(), location: '第 3 页' },
      { ...emptyBreach(), evaluator_ids: [4] },
    ]
    const unsent = unsentBreachErrors(form)
    expect(unsent.list.map((e) => e.key)).toEqual(['other_breaches.2', 'other_breaches.3'])
    expect(errorOf(unsent, 'other_breaches.2', 'description')).toBe('其他问题 3：请填写问题描述，或删除该行')
    expect(unsentBreachErrors(emptyForm(codes)).list).toEqual([])
  })

  it('takes only the signed-in user’s name as the signature', () => {
    expect(signatureError('  ', '周专家')).toBe('请输入您的姓名作为签名')
    expect(signatureError('张三', '周专家')).toBe('签名须为本人姓名“周专家”')
    expect(signatureError(' 周专家 ', '周专家')).toBe('')
    expect(signatureError('张三', '')).toBe('')
  })
})

describe('the checklist’s sections', () => {
  it('asks R1 and R2 of every report and R3 of the hazard items that apply', () => {
    const sections = checklistSections(['SS01', 'SS05'], ['XJ01'], ['MH01', 'MH04'])
    expect(sections.map((s) => [s.id, s.kind, s.codes])).toEqual([
      ['r1', 'criteria', ['SS01', 'SS05']],
      ['r2', 'criteria', ['XJ01']],
      ['r3', 'hazards', ['MH01', 'MH04']],
    ])
    expect(sections[2].hint).toContain('（2 项）')
  })

  it('offers the team members registered as evaluators', () => {
    const members = [
      { name: '李四', role: 'leader', evaluator_id: 3 },
      { name: '王五', role: 'member', evaluator_id: null },
      { name: '赵六', role: 'member', evaluator_id: 8 },
    ]
    const roles: Record<string, string> = { leader: '项目负责人', member: '项目组成员' }
    expect(evaluatorOptions(members, (role) => roles[role])).toEqual([
      { value: 3, label: '李四（项目负责人）' },
      { value: 8, label: '赵六（项目组成员）' },
    ])
  })

  it('tells a problem answer from the others', () => {
    const form = emptyForm(codes)
    form.criteria.SS05.met = true
    form.criteria.SS01.met = false
    form.hazards.MH01.status = 'evaluated'
    form.hazards.MH04.status = 'not_evaluated'
    expect(['SS01', 'SS05', 'XJ01'].map((c) => isItemProblem(form, 'criteria', c))).toEqual([false, true, false])
    expect(['MH01', 'MH04', 'MH99'].map((c) => isItemProblem(form, 'hazards', c))).toEqual([false, true, false])
  })
})

describe('the unsaved copy in the browser', () => {
  it('is kept per assignment and put back onto the form', () => {
    const key = opinionDraftKey(12)
    expect(key).toBe('anping.review-opinion-draft.12')
    const edited = emptyForm(codes)
    edited.criteria.SS05 = { met: true, location: '第 35 页', note: '', evaluator_ids: [7] }
    edited.other_breaches.push({ ...emptyBreach(), location: '第 2 页' })
    edited.opinion_text = '未保存的意见'
    writeLocalDraft(localStorage, key, { version: 1, form: edited } satisfies LocalOpinionDraft)
    const stored = readLocalDraft<LocalOpinionDraft>(localStorage, key)
    expect(stored?.version).toBe(1)
    const merged = mergeLocalForm(emptyForm(codes), stored?.form, codes)
    expect(sameForm(merged, edited)).toBe(true)
    clearLocalDraft(localStorage, key)
    expect(readLocalDraft(localStorage, key)).toBeNull()
  })

  it('takes only this checklist’s codes and well-typed values from storage', () => {
    const base = emptyForm(codes)
    base.opinion_text = '服务器上的意见'
    base.conclusion = 'no_problem'
    const merged = mergeLocalForm(
      base,
      {
        criteria: { SS01: { met: 'yes', location: 3, evaluator_ids: [1, 'x'] }, SS99: { met: true } },
        hazards: { MH04: { status: 'bogus', note: '说明' }, MH20: { status: 'not_evaluated' } },
        other_breaches: [{ description: '合同无效', evaluator_ids: 'x' }, 'junk'],
        conclusion: 'maybe',
      },
      codes,
    )
    expect(merged.criteria.SS01).toEqual({ met: null, location: '', note: '', evaluator_ids: [1] })
    expect('SS99' in merged.criteria).toBe(false)
    expect(merged.hazards.MH04).toEqual({ status: null, location: '', note: '说明', evaluator_ids: [] })
    expect('MH20' in merged.hazards).toBe(false)
    expect(merged.other_breaches).toEqual([{ sub_code: '', description: '合同无效', legal_basis: '', location: '', evaluator_ids: [] }])
    expect(merged.opinion_text).toBe('服务器上的意见')
    expect(merged.conclusion).toBe('no_problem')
    expect(mergeLocalForm(base, 'garbage', codes)).toBe(base)
  })
})
