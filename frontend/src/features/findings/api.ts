import { api, unwrap } from '@/api/client'
import type { EvidenceIn, FindingCreate, FindingDetail, FindingPage, FindingQuery, FindingTransition } from '@/api/types'

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

/** Attaches a file the actor's organisation uploaded (FileUploader) as evidence, with an optional note. */
export function addFindingEvidence(id: number, body: EvidenceIn): Promise<FindingDetail> {
  return unwrap(api.POST('/api/v1/findings/{finding_id}/evidence', { params: { path: { finding_id: id } }, body }))
}

export function removeFindingEvidence(id: number, evidenceId: number): Promise<FindingDetail> {
  return unwrap(
    api.DELETE('/api/v1/findings/{finding_id}/evidence/{evidence_id}', { params: { path: { finding_id: id, evidence_id: evidenceId } } }),
  )
}

/** An organisation's name, or null when it is outside the viewer's scope (404) or could not be read. */
export async function organizationName(id: number): Promise<string | null> {
  try {
    const result = await api.GET('/api/v1/organizations/{organization_id}', { params: { path: { organization_id: id } } })
    return result.data?.name ?? null
  } catch {
    return null
  }
}
