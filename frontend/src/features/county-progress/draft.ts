/** A work-plan draft kept in the browser while the clerk types, so a reload or a lost signal loses nothing. */
export interface WorkPlanDraft {
  title: string
  content: string
  savedAt: string
}

export function draftKey(userId: number, campaignId: number): string {
  return `anping.work-plan-draft.${userId}.${campaignId}`
}

export function readDraft(storage: Storage, key: string): WorkPlanDraft | null {
  try {
    const raw = storage.getItem(key)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<WorkPlanDraft>
    if (typeof value.title !== 'string' || typeof value.content !== 'string') return null
    return { title: value.title, content: value.content, savedAt: typeof value.savedAt === 'string' ? value.savedAt : '' }
  } catch {
    return null
  }
}

export function writeDraft(storage: Storage, key: string, draft: Omit<WorkPlanDraft, 'savedAt'>, now = new Date()): WorkPlanDraft | null {
  const value = { ...draft, savedAt: now.toISOString() }
  try {
    if (!draft.title.trim() && !draft.content.trim()) storage.removeItem(key)
    else storage.setItem(key, JSON.stringify(value))
    return value
  } catch {
    return null // storage full or disabled: the form still works, only without a draft
  }
}

export function clearDraft(storage: Storage, key: string): void {
  try {
    storage.removeItem(key)
  } catch {
    // ignore
  }
}
