import type { AuditEvent } from '@/api/types'

export interface ChangeRow {
  field: string
  before: unknown
  after: unknown
}

/** Flattens `changes: {field: {before, after}}` into rows, tolerating missing halves. */
export function changeRows(changes: AuditEvent['changes'] | null | undefined): ChangeRow[] {
  if (!changes || typeof changes !== 'object') return []
  return Object.entries(changes as Record<string, unknown>).map(([field, change]) => {
    const pair = (change && typeof change === 'object' ? change : {}) as { before?: unknown; after?: unknown }
    return { field, before: pair.before ?? null, after: pair.after ?? null }
  })
}

/** `YYYY-MM-DD` (local) → the instant the day starts, or the next day starts when `endOfDay`. */
export function dayBoundary(day: string, endOfDay = false): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d + (endOfDay ? 1 : 0)).toISOString()
}
