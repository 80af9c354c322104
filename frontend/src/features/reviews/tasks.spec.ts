import { describe, expect, it } from 'vitest'
import { stateFromQuery, taskLines, totalTasks } from './tasks'

describe('the expert’s review tasks', () => {
  it('lists the counts by state, each linking to the filtered list', () => {
    const counts = { not_started: 2, draft: 1, submitted: 0 }
    expect(taskLines(counts)).toEqual([
      { state: 'not_started', label: '未开始', count: 2, to: '/my-reviews?state=not_started' },
      { state: 'draft', label: '草稿', count: 1, to: '/my-reviews?state=draft' },
      { state: 'submitted', label: '已提交', count: 0, to: '/my-reviews?state=submitted' },
    ])
    expect(totalTasks(counts)).toBe(3)
    expect(totalTasks({ not_started: 0, draft: 0, submitted: 0 })).toBe(0)
  })

  it('takes only a known state from the query', () => {
    expect(stateFromQuery('draft')).toBe('draft')
    expect(stateFromQuery('submitted')).toBe('submitted')
    expect(stateFromQuery('open')).toBe('')
    expect(stateFromQuery(['draft'])).toBe('')
    expect(stateFromQuery(undefined)).toBe('')
  })
})
