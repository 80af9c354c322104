import { beforeEach, describe, expect, it } from 'vitest'
import { clearDraft, draftKey, readDraft, writeDraft } from './draft'

describe('work-plan draft', () => {
  const key = draftKey(2, 5)
  beforeEach(() => localStorage.clear())

  it('keeps what was typed, per user and campaign', () => {
    expect(key).toBe('anping.work-plan-draft.2.5')
    writeDraft(localStorage, key, { title: '工作计划', content: '一、目标' }, new Date('2026-09-10T02:00:00Z'))
    expect(readDraft(localStorage, key)).toEqual({ title: '工作计划', content: '一、目标', savedAt: '2026-09-10T02:00:00.000Z' })
  })

  it('drops an empty draft and ignores garbage', () => {
    writeDraft(localStorage, key, { title: ' ', content: '' })
    expect(localStorage.getItem(key)).toBeNull()
    localStorage.setItem(key, '{not json')
    expect(readDraft(localStorage, key)).toBeNull()
    clearDraft(localStorage, key)
    expect(readDraft(localStorage, key)).toBeNull()
  })
})
