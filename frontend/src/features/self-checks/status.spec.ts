import { describe, expect, it } from 'vitest'
import { isEditable, isPending, kindTitle, selfCheckLabel, selfCheckTagType } from './status'

describe('self-check states', () => {
  it('labels every state in Chinese', () => {
    expect(['not_started', 'draft', 'submitted', 'returned', 'resubmitted', 'accepted'].map(selfCheckLabel)).toEqual([
      '未开始',
      '草稿',
      '已提交',
      '已退回',
      '已重新提交',
      '已验收',
    ])
    expect(selfCheckLabel(null)).toBe('未开始')
    expect(selfCheckLabel('weird')).toBe('weird')
  })

  it('colours the tags', () => {
    expect(selfCheckTagType('accepted')).toBe('success')
    expect(selfCheckTagType('returned')).toBe('danger')
    expect(selfCheckTagType('not_started')).toBe('info')
    expect(selfCheckTagType('unknown')).toBe('info')
  })

  it('knows what is editable and what is still pending', () => {
    expect(isEditable('draft')).toBe(true)
    expect(isEditable('returned')).toBe(true)
    expect(isEditable('submitted')).toBe(false)
    expect(isEditable('accepted')).toBe(false)
    expect(isPending('not_started')).toBe(true)
    expect(isPending('resubmitted')).toBe(false)
    expect(kindTitle('projects')).toBe('附件3 法定安全评价项目自查表')
  })
})
