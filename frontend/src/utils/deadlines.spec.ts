import { describe, expect, it } from 'vitest'
import { classifyDeadline, countStates, submissionLabel, submissionTagType } from './deadlines'

describe('deadline "days left" classification', () => {
  it('marks past deadlines as overdue, in red', () => {
    expect(classifyDeadline(-1)).toEqual({ level: 'overdue', text: '已过期 1 天', tagType: 'danger' })
    expect(classifyDeadline(-82).level).toBe('overdue')
  })

  it('highlights deadlines 0–7 days away as due this week', () => {
    expect(classifyDeadline(0)).toEqual({ level: 'this_week', text: '本周到期 · 今天截止', tagType: 'warning' })
    expect(classifyDeadline(1).text).toBe('本周到期 · 剩 1 天')
    expect(classifyDeadline(7).level).toBe('this_week')
  })

  it('leaves later deadlines plain', () => {
    expect(classifyDeadline(8)).toEqual({ level: 'later', text: '剩 8 天', tagType: 'info' })
    expect(classifyDeadline(120).level).toBe('later')
  })
})

describe('county submission states', () => {
  it('has a Chinese label and a colour per state', () => {
    expect(submissionLabel('submitted')).toBe('按时报送')
    expect(submissionLabel('submitted_late')).toBe('逾期报送')
    expect(submissionLabel('pending')).toBe('未报送')
    expect(submissionLabel('overdue')).toBe('已逾期未报')
    expect(submissionTagType('overdue')).toBe('danger')
    expect(submissionLabel('unknown_state')).toBe('unknown_state')
  })

  it('counts the states for the summary', () => {
    expect(countStates(['submitted', 'overdue', 'overdue', 'submitted_late'])).toEqual({
      submitted: 1,
      submitted_late: 1,
      pending: 0,
      overdue: 2,
    })
  })
})
