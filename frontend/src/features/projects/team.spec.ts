import { describe, expect, it } from 'vitest'
import { membersPayload, membersProblem, memberRows, toNames, visitRows, visitsPayload, visitsProblem } from './team'

describe('project team rows', () => {
  it('round-trips members: evaluator ids stay ids, typed names stay names', () => {
    const rows = memberRows([
      { id: 1, evaluator_id: 7, name: '王建华', role: 'leader' },
      { id: 2, evaluator_id: null, name: '外聘专家', role: 'member' },
    ])
    expect(membersPayload(rows)).toEqual([
      { role: 'leader', evaluator_id: 7 },
      { role: 'member', name: '外聘专家' },
    ])
  })

  it('groups site visits by day and spreads them back per person', () => {
    const rows = visitRows([
      { id: 1, visited_on: '2024-05-01', evaluator_id: 7, name: '王建华' },
      { id: 2, visited_on: '2024-05-01', evaluator_id: null, name: '李雪' },
      { id: 3, visited_on: '2024-05-03', evaluator_id: 7, name: '王建华' },
    ])
    expect(rows.map((r) => [r.visited_on, r.people])).toEqual([
      ['2024-05-01', [7, '李雪']],
      ['2024-05-03', [7]],
    ])
    expect(visitsPayload(rows)).toHaveLength(3)
  })

  it('explains what is wrong with a team', () => {
    expect(membersProblem([{ key: 1, role: 'leader', person: null }])).toBe('请为每一行选择或输入人员')
    expect(
      membersProblem([
        { key: 1, role: 'leader', person: 1 },
        { key: 2, role: 'leader', person: 2 },
      ]),
    ).toBe('项目负责人只能有一位')
    expect(visitsProblem([{ key: 1, visited_on: '2024-06-01', people: [1] }], '2024-05-01')).toBe('现场勘验日期不能晚于报告出具日期')
    expect(visitsProblem([{ key: 1, visited_on: '2024-04-01', people: [1] }], '2024-05-01')).toBeNull()
  })

  it('turns evaluator ids into names when the agency changes', () => {
    const names: Record<number, string> = { 7: '王建华' }
    expect(toNames({ key: 1, role: 'leader' as const, person: 7 }, (id) => names[id]).person).toBe('王建华')
    expect(toNames({ key: 1, visited_on: 'x', people: [7, '李雪'] }, (id) => names[id]).people).toEqual(['王建华', '李雪'])
  })
})
