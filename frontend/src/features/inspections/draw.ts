import type { DrawCandidate, InspectionDraw } from '@/api/types'

export const INSPECTORS_PER_TARGET = { min: 2, max: 5, default: 2 } as const
export const TARGET_COUNT = { min: 1, max: 200, default: 3 } as const

export interface DrawnAgency {
  agencyId: number
  agencyName: string
  weight: number | null
  reason: string
  /** The share of the total weight, as a chance of being drawn first (`12.5%`). */
  share: string
  inspectors: string[]
  /** The draft inspection created for it, once known. */
  inspectionId: number | null
}

/** `12.5%` of the candidates' total weight; '—' when nothing weighs anything. */
export function weightShare(weight: number, total: number): string {
  if (!(total > 0) || !Number.isFinite(weight)) return '—'
  const percent = (weight / total) * 100
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1).replace(/\.0$/, '')}%`
}

export function totalWeight(candidates: readonly DrawCandidate[]): number {
  return candidates.reduce((sum, c) => sum + c.weight, 0)
}

/** A weight as the server computed it (three decimals at most), without trailing zeros. */
export function formatWeight(weight: number): string {
  return String(Math.round(weight * 1000) / 1000)
}

/**
 * The drawn agencies in the draw's order, each with its weight and reason, its inspectors named (an unknown
 * one by its id, so that nobody silently disappears) and the draft inspection created for it.
 */
export function drawnAgencies(
  draw: InspectionDraw,
  inspectorNames: ReadonlyMap<number, string>,
  inspectionByAgency: ReadonlyMap<number, number>,
): DrawnAgency[] {
  const candidates = new Map(draw.candidates.map((c) => [c.agency_id, c]))
  const total = totalWeight(draw.candidates)
  return Object.entries(draw.result).map(([key, inspectorIds]) => {
    const agencyId = Number(key)
    const candidate = candidates.get(agencyId)
    return {
      agencyId,
      agencyName: candidate?.agency_name ?? `机构 #${agencyId}`,
      weight: candidate?.weight ?? null,
      reason: candidate?.reason ?? '',
      share: candidate ? weightShare(candidate.weight, total) : '—',
      inspectors: inspectorIds.map((id) => inspectorNames.get(id) ?? `执法人员 #${id}`),
      inspectionId: inspectionByAgency.get(agencyId) ?? null,
    }
  })
}

/** The candidates, heaviest first, each marked whether it was drawn. */
export function rankedCandidates(draw: InspectionDraw): (DrawCandidate & { drawn: boolean; share: string })[] {
  const drawn = new Set(Object.keys(draw.result).map(Number))
  const total = totalWeight(draw.candidates)
  return [...draw.candidates]
    .sort((a, b) => b.weight - a.weight || a.agency_name.localeCompare(b.agency_name, 'zh-CN'))
    .map((c) => ({ ...c, drawn: drawn.has(c.agency_id), share: weightShare(c.weight, total) }))
}
