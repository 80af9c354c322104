import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type { Enterprise, EnterpriseCreate, EnterprisePage, EnterpriseQuery, EnterpriseUpdate } from '@/api/types'

export function listEnterprises(query: EnterpriseQuery): Promise<EnterprisePage> {
  return unwrap(api.GET('/api/v1/enterprises', { params: { query } }))
}

export async function searchEnterprises(q: string): Promise<Enterprise[]> {
  return (await listEnterprises({ page: 1, page_size: 20, sort: 'name', ...(q ? { q } : {}) })).items
}

export function exportEnterprises(query: Omit<EnterpriseQuery, 'page' | 'page_size'>): Promise<string> {
  return downloadFrom(api.GET('/api/v1/enterprises/export', { params: { query }, parseAs: 'blob' }), '企业.xlsx')
}

export function getEnterprise(id: number): Promise<Enterprise> {
  return unwrap(api.GET('/api/v1/enterprises/{enterprise_id}', { params: { path: { enterprise_id: id } } }))
}

export function createEnterprise(body: EnterpriseCreate): Promise<Enterprise> {
  return unwrap(api.POST('/api/v1/enterprises', { body }))
}

export function updateEnterprise(id: number, body: EnterpriseUpdate): Promise<Enterprise> {
  return unwrap(api.PATCH('/api/v1/enterprises/{enterprise_id}', { params: { path: { enterprise_id: id } }, body }))
}
