import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type {
  Evaluator,
  EvaluatorCreate,
  EvaluatorDetail,
  EvaluatorPage,
  EvaluatorQuery,
  EvaluatorUpdate,
  Verification,
  VerificationCreate,
} from '@/api/types'

export function listEvaluators(query: EvaluatorQuery): Promise<EvaluatorPage> {
  return unwrap(api.GET('/api/v1/evaluators', { params: { query } }))
}

/** Every active evaluator of one agency (for the project team pickers). */
export async function evaluatorsOf(agencyId: number): Promise<Evaluator[]> {
  return (await listEvaluators({ agency_id: agencyId, is_active: true, page: 1, page_size: 200, sort: 'name' })).items
}

export function exportEvaluators(query: Omit<EvaluatorQuery, 'page' | 'page_size'>): Promise<string> {
  return downloadFrom(api.GET('/api/v1/evaluators/export', { params: { query }, parseAs: 'blob' }), '评价人员.xlsx')
}

export function getEvaluator(id: number): Promise<EvaluatorDetail> {
  return unwrap(api.GET('/api/v1/evaluators/{evaluator_id}', { params: { path: { evaluator_id: id } } }))
}

export function createEvaluator(body: EvaluatorCreate): Promise<EvaluatorDetail> {
  return unwrap(api.POST('/api/v1/evaluators', { body }))
}

export function updateEvaluator(id: number, body: EvaluatorUpdate): Promise<EvaluatorDetail> {
  return unwrap(api.PATCH('/api/v1/evaluators/{evaluator_id}', { params: { path: { evaluator_id: id } }, body }))
}

export function addVerification(id: number, body: VerificationCreate): Promise<Verification> {
  return unwrap(api.POST('/api/v1/evaluators/{evaluator_id}/verifications', { params: { path: { evaluator_id: id } }, body }))
}
