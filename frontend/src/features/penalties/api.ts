import { api, unwrap } from '@/api/client'
import type { Penalty, PenaltyIn, PenaltyPage, PenaltyQuery } from '@/api/types'

export function listPenalties(query: PenaltyQuery): Promise<PenaltyPage> {
  return unwrap(api.GET('/api/v1/penalties', { params: { query } }))
}

export function getPenalty(id: number): Promise<Penalty> {
  return unwrap(api.GET('/api/v1/penalties/{penalty_id}', { params: { path: { penalty_id: id } } }))
}

/** 422 on `fine_amount` (a fine without an amount, or an amount without a fine), `evaluator_id`…; 409 on a known number. */
export function createPenalty(body: PenaltyIn): Promise<Penalty> {
  return unwrap(api.POST('/api/v1/penalties', { body })) as Promise<Penalty>
}

/** Only the deciding organisation, and never a record the enforcement system sent (409). */
export function updatePenalty(id: number, body: PenaltyIn): Promise<Penalty> {
  return unwrap(api.PUT('/api/v1/penalties/{penalty_id}', { params: { path: { penalty_id: id } }, body }))
}

export async function deletePenalty(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/penalties/{penalty_id}', { params: { path: { penalty_id: id } } }))
}
