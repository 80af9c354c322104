import { onBeforeUnmount, ref, type Ref } from 'vue'
import { ApiError, errorMessage } from '@/api/problem'
import { formatTime } from '@/utils/format'

export type AutosaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'offline' | 'error'

export interface Autosave {
  state: Ref<AutosaveState>
  /** The last failure's message (a refusal such as 409, not a lost connection). */
  failure: Ref<string | null>
  /** Call after every change: saves `delay` ms after the last one. */
  schedule: () => void
  /** Saves now (cancelling a pending save); resolves true when saved. */
  flush: () => Promise<boolean>
  cancel: () => void
}

/** A lost connection (or a server hiccup) is worth retrying; a refusal (4xx) is not. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TypeError) return true
  if (error instanceof ApiError) return error.isNetworkError || error.status >= 500
  return false
}

/**
 * Debounced autosave: `schedule()` after each edit, `save` runs once the user pauses for `delay` ms. Failures
 * from a lost connection are retried every `retryDelay` ms (and at once when the browser is back online);
 * edits made while a save is in flight are saved right after it.
 */
export function createAutosave(save: () => Promise<unknown>, options: { delay?: number; retryDelay?: number } = {}): Autosave & { dispose: () => void } {
  const delay = options.delay ?? 1500
  const retryDelay = options.retryDelay ?? 5000
  const state = ref<AutosaveState>('idle')
  const failure = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<boolean> | null = null
  let dirtyAgain = false

  function arm(ms: number): void {
    clearTimeout(timer)
    timer = setTimeout(() => void flush(), ms)
  }

  function schedule(): void {
    if (inFlight) {
      dirtyAgain = true
      return
    }
    state.value = state.value === 'offline' ? 'offline' : 'pending'
    arm(delay)
  }

  async function run(): Promise<boolean> {
    state.value = 'saving'
    try {
      await save()
      failure.value = null
      state.value = 'saved'
      return true
    } catch (error) {
      if (isRetryable(error)) {
        state.value = 'offline'
        arm(retryDelay)
      } else {
        state.value = 'error'
        failure.value = errorMessage(error)
      }
      return false
    }
  }

  async function flush(): Promise<boolean> {
    clearTimeout(timer)
    if (inFlight) {
      dirtyAgain = true
      return inFlight
    }
    inFlight = run()
    const ok = await inFlight
    inFlight = null
    if (dirtyAgain) {
      dirtyAgain = false
      if (ok) {
        state.value = 'pending'
        arm(delay)
      }
    }
    return ok
  }

  function cancel(): void {
    clearTimeout(timer)
    dirtyAgain = false
  }

  const online = () => {
    if (state.value === 'offline') void flush()
  }
  if (typeof window !== 'undefined') window.addEventListener('online', online)
  const dispose = () => {
    cancel()
    if (typeof window !== 'undefined') window.removeEventListener('online', online)
  }

  return { state, failure, schedule, flush, cancel, dispose }
}

/** `createAutosave` bound to a component: stops (without saving) when the component goes away. */
export function useAutosave(save: () => Promise<unknown>, options: { delay?: number; retryDelay?: number } = {}): Autosave {
  const autosave = createAutosave(save, options)
  onBeforeUnmount(autosave.dispose)
  return autosave
}

export interface SaveNote {
  text: string
  type: 'info' | 'success' | 'danger'
}

/**
 * The save line of an autosaved form: saving, saved at what time, or why not. Each page words the offline and
 * saved states its own way (`words.saved` is followed by the time).
 */
export function autosaveNote(
  state: AutosaveState,
  failure: string | null,
  savedAt: string | null,
  words: { offline: string; saved: string },
): SaveNote {
  switch (state) {
    case 'pending':
    case 'saving':
      return { text: '保存中…', type: 'info' }
    case 'offline':
      return { text: words.offline, type: 'danger' }
    case 'error':
      return { text: `未保存：${failure ?? ''}`, type: 'danger' }
    default:
      return savedAt ? { text: `${words.saved} ${formatTime(savedAt)}`, type: 'success' } : { text: '修改会自动保存', type: 'info' }
  }
}

/** The unsaved copy of a form kept in localStorage until the server has it. */
export function localDraftKey(selfCheckId: number): string {
  return `anping.self-check-draft.${selfCheckId}`
}

export function readLocalDraft<T>(storage: Storage, key: string): T | null {
  try {
    const raw = storage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

export function writeLocalDraft(storage: Storage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value))
  } catch {
    // storage full or disabled: autosave still works
  }
}

export function clearLocalDraft(storage: Storage, key: string): void {
  try {
    storage.removeItem(key)
  } catch {
    // ignore
  }
}
