import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/problem'
import { autosaveNote, clearLocalDraft, createAutosave, localDraftKey, readLocalDraft, writeLocalDraft } from './autosave'

describe('autosave', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('saves once, 1.5 s after the last change', async () => {
    const save = vi.fn().mockResolvedValue(undefined)
    const autosave = createAutosave(save)
    autosave.schedule()
    await vi.advanceTimersByTimeAsync(1000)
    autosave.schedule()
    await vi.advanceTimersByTimeAsync(1000)
    expect(save).not.toHaveBeenCalled()
    expect(autosave.state.value).toBe('pending')
    await vi.advanceTimersByTimeAsync(600)
    expect(save).toHaveBeenCalledTimes(1)
    expect(autosave.state.value).toBe('saved')
    autosave.dispose()
  })

  it('retries after a lost connection until it succeeds', async () => {
    const save = vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch')).mockRejectedValueOnce(new ApiError(0, '网络')).mockResolvedValue(undefined)
    const autosave = createAutosave(save, { delay: 1500, retryDelay: 5000 })
    autosave.schedule()
    await vi.advanceTimersByTimeAsync(1500)
    expect(autosave.state.value).toBe('offline')
    await vi.advanceTimersByTimeAsync(5000)
    expect(save).toHaveBeenCalledTimes(2)
    expect(autosave.state.value).toBe('offline')
    await vi.advanceTimersByTimeAsync(5000)
    expect(save).toHaveBeenCalledTimes(3)
    expect(autosave.state.value).toBe('saved')
    autosave.dispose()
  })

  it('does not retry a refusal', async () => {
    const save = vi.fn().mockRejectedValue(new ApiError(409, '自查表已提交，不能修改'))
    const autosave = createAutosave(save)
    autosave.schedule()
    await vi.advanceTimersByTimeAsync(1500)
    expect(autosave.state.value).toBe('error')
    expect(autosave.failure.value).toBe('自查表已提交，不能修改')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(save).toHaveBeenCalledTimes(1)
    autosave.dispose()
  })

  it('saves edits made during a save right after it', async () => {
    let resolve: () => void = () => undefined
    const save = vi.fn().mockImplementationOnce(() => new Promise<void>((r) => (resolve = r))).mockResolvedValue(undefined)
    const autosave = createAutosave(save)
    autosave.schedule()
    await vi.advanceTimersByTimeAsync(1500)
    autosave.schedule()
    resolve()
    await vi.advanceTimersByTimeAsync(1500)
    expect(save).toHaveBeenCalledTimes(2)
    autosave.dispose()
  })

  it('keeps the unsaved copy in localStorage per self-check', () => {
    const key = localDraftKey(7)
    expect(key).toBe('anping.self-check-draft.7')
    writeLocalDraft(localStorage, key, { rows: [1] })
    expect(readLocalDraft(localStorage, key)).toEqual({ rows: [1] })
    clearLocalDraft(localStorage, key)
    expect(readLocalDraft(localStorage, key)).toBeNull()
  })

  it('words the save line by the autosave state, in the page’s own words', () => {
    const words = { offline: '未保存（离线）', saved: '已保存' }
    const savedAt = new Date(2026, 10, 30, 9, 5, 7).toISOString()
    expect(autosaveNote('pending', null, savedAt, words)).toEqual({ text: '保存中…', type: 'info' })
    expect(autosaveNote('saving', null, null, words)).toEqual({ text: '保存中…', type: 'info' })
    expect(autosaveNote('offline', null, savedAt, words)).toEqual({ text: '未保存（离线）', type: 'danger' })
    expect(autosaveNote('error', '草稿已提交', savedAt, words)).toEqual({ text: '未保存：草稿已提交', type: 'danger' })
    expect(autosaveNote('saved', null, savedAt, words)).toEqual({ text: '已保存 09:05:07', type: 'success' })
    expect(autosaveNote('idle', null, null, words)).toEqual({ text: '修改会自动保存', type: 'info' })
  })
})
