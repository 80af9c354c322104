import { ApiError } from '@/api/problem'
import type { DrawResult } from './city-api'

/** What the server accepts as a seed (DrawCreate.seed). */
export const SEED_PATTERN = /^[0-9A-Za-z_-]{1,64}$/

export const EXPERTS_PER_REPORT = { min: 1, max: 5, default: 2 } as const

/** The message for a seed the server would refuse; '' when it is fine (an empty seed lets the server pick one). */
export function seedError(seed: string): string {
  const text = seed.trim()
  if (text === '' || SEED_PATTERN.test(text)) return ''
  return '种子只能包含字母、数字、下划线和连字符，不超过 64 位'
}

/** Why the server refused a draw (422): its detail and the distinct field reasons besides it; null for any other error. */
export function drawRefusal(error: unknown): { title: string; reasons: string[] } | null {
  if (!(error instanceof ApiError) || error.status !== 422) return null
  const title = error.problem?.detail ?? error.message
  return { title, reasons: [...new Set(error.fieldErrors.map((e) => e.message))].filter((r) => r !== title) }
}

export interface DrawRow {
  itemId: number
  report: string
  drawn: string[]
  excluded: string[]
}

/**
 * The draw per report, with the experts named: `names` comes from the expert pool; a drawn expert missing from
 * it is named by the draw's own assignments, anyone else by id so that nothing silently disappears.
 */
export function drawRows(result: DrawResult, names: ReadonlyMap<number, string>, reports: ReadonlyMap<number, string>): DrawRow[] {
  const known = new Map(names)
  for (const a of result.assignments) if (!known.has(a.expert_id)) known.set(a.expert_id, a.expert_name)
  const name = (id: number) => known.get(id) ?? `专家 #${id}`
  return result.item_ids.map((itemId) => ({
    itemId,
    report: reports.get(itemId) ?? `报告 #${itemId}`,
    drawn: (result.result[String(itemId)] ?? []).map(name),
    excluded: (result.excluded[String(itemId)] ?? []).map(name),
  }))
}

/**
 * The campaign of the reports chosen for a draw: the draw belongs to one campaign, so reports from several
 * give 'mixed' and none give null.
 */
export function drawCampaign(rows: readonly { campaign_id: number }[]): number | 'mixed' | null {
  const ids = new Set(rows.map((r) => r.campaign_id))
  if (ids.size === 0) return null
  return ids.size === 1 ? [...ids][0] : 'mixed'
}
