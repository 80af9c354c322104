import { api, unwrap } from '@/api/client'
import type { FindingCreate, FindingDetail, FindingPage, FindingQuery, FindingTransition } from '@/api/types'

export function listFindings(query: FindingQuery): Promise<FindingPage> {
  return unwrap(api.GET('/api/v1/findings', { params: { query } }))
}

export function getFinding(id: number): Promise<FindingDetail> {
  return unwrap(api.GET('/api/v1/findings/{finding_id}', { params: { path: { finding_id: id } } }))
}

export function createFinding(body: FindingCreate): Promise<FindingDetail> {
  return unwrap(api.POST('/api/v1/findings', { body })) as Promise<FindingDetail>
}

export function transitionFinding(id: number, body: FindingTransition): Promise<FindingDetail> {
  return unwrap(api.POST('/api/v1/findings/{finding_id}/transitions', { params: { path: { finding_id: id } }, body }))
}
