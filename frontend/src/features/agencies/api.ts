import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type {
  Agency,
  AgencyChange,
  AgencyChangeUpdate,
  AgencyCreate,
  AgencyDetail,
  AgencyPage,
  AgencyQuery,
  AgencyUpdate,
} from '@/api/types'

export function listAgencies(query: AgencyQuery): Promise<AgencyPage> {
  return unwrap(api.GET('/api/v1/agencies', { params: { query } }))
}

/** For pickers: the first 20 agencies matching the text. */
export async function searchAgencies(q: string): Promise<Agency[]> {
  return (await listAgencies({ page: 1, page_size: 20, sort: 'name', ...(q ? { q } : {}) })).items
}

export function exportAgencies(query: Omit<AgencyQuery, 'page' | 'page_size'>): Promise<string> {
  return downloadFrom(api.GET('/api/v1/agencies/export', { params: { query }, parseAs: 'blob' }), '评价机构.xlsx')
}

export function getAgency(id: number): Promise<AgencyDetail> {
  return unwrap(api.GET('/api/v1/agencies/{agency_id}', { params: { path: { agency_id: id } } }))
}

export function createAgency(body: AgencyCreate): Promise<AgencyDetail> {
  return unwrap(api.POST('/api/v1/agencies', { body }))
}

export function updateAgency(id: number, body: AgencyUpdate): Promise<AgencyDetail> {
  return unwrap(api.PATCH('/api/v1/agencies/{agency_id}', { params: { path: { agency_id: id } }, body }))
}

export function updateAgencyChange(agencyId: number, changeId: number, body: AgencyChangeUpdate): Promise<AgencyChange> {
  return unwrap(
    api.PATCH('/api/v1/agencies/{agency_id}/changes/{change_id}', {
      params: { path: { agency_id: agencyId, change_id: changeId } },
      body,
    }),
  )
}
