import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type { Liaison, LiaisonCreate, LiaisonImportBody, LiaisonImportResult, LiaisonPage, LiaisonQuery, LiaisonUpdate } from '@/api/types'

export function listLiaisons(query: LiaisonQuery): Promise<LiaisonPage> {
  return unwrap(api.GET('/api/v1/liaisons', { params: { query } }))
}

export function exportLiaisons(campaignId: number, countyId?: number | null): Promise<string> {
  const query = { campaign_id: campaignId, ...(countyId ? { county_id: countyId } : {}) }
  return downloadFrom(api.GET('/api/v1/liaisons/export', { params: { query }, parseAs: 'blob' }), '附件5_安全评价工作联络员表.xlsx')
}

export function importLiaisons(campaignId: number, file: File, commit: boolean): Promise<LiaisonImportResult> {
  const form = new FormData()
  form.append('file', file)
  return unwrap(
    api.POST('/api/v1/liaisons/import', {
      params: { query: { campaign_id: campaignId, commit } },
      body: form as unknown as LiaisonImportBody,
    }),
  )
}

export function createLiaison(body: LiaisonCreate): Promise<Liaison> {
  return unwrap(api.POST('/api/v1/liaisons', { body }))
}

export function updateLiaison(id: number, body: LiaisonUpdate): Promise<Liaison> {
  return unwrap(api.PATCH('/api/v1/liaisons/{liaison_id}', { params: { path: { liaison_id: id } }, body }))
}

export function deleteLiaison(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/liaisons/{liaison_id}', { params: { path: { liaison_id: id } } }))
}
