import { describe, expect, it } from 'vitest'
import { itemProblems, placeErrors, rowProblem, type ItemForm, type RowForm } from './form'

describe('self-check form checks', () => {
  it('places 422 errors on the items and rows they name', () => {
    const placed = placeErrors([
      { field: 'items.Q2.measure', message: '不符合的事项须填写整改措施' },
      { field: 'items.Q1', message: '请选择“符合”或“不符合”' },
      { field: 'rows.17', message: '报告 A-1 尚未填写' },
      { field: 'declaration', message: '请确认' },
    ])
    expect(placed.items).toEqual({ Q2: { measure: '不符合的事项须填写整改措施' }, Q1: { _: '请选择“符合”或“不符合”' } })
    expect(placed.rows).toEqual({ '17': '报告 A-1 尚未填写' })
    expect(placed.other).toEqual(['请确认'])
  })

  it('requires problem, measure, deadline and responsible for a non-compliant item', () => {
    const item: ItemForm = { code: 'Q2', title: '', criterion: '', compliant: false, situation: '', problem: 'x', measure: '', deadline: '', responsible: '' }
    expect(Object.keys(itemProblems(item))).toEqual(['measure', 'deadline', 'responsible'])
    expect(itemProblems({ ...item, compliant: true })).toEqual({})
  })

  it('requires a measure and a deadline for a report with problems', () => {
    const row: RowForm = { project_id: 1, no_problem: false, problems: [{ code: 'R1', sub_code: '', description: '缺页' }], measure: '', deadline: '', progress: '' }
    expect(rowProblem(row)).toBe('有问题的报告须填写整改措施和整改时限')
    expect(rowProblem({ ...row, measure: '补正', deadline: '2026-12-01' })).toBeNull()
    expect(rowProblem({ ...row, no_problem: true })).toBeNull()
  })
})
