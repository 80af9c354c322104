import { api, unwrap } from '@/api/client'
import type { ApiToken, ApiTokenCreated, ApiTokenPage } from '@/api/types'

export function listApiTokens(page: number, pageSize: number): Promise<ApiTokenPage> {
  return unwrap(api.GET('/api/v1/api-tokens', { params: { query: { page, page_size: pageSize } } }))
}

export function createApiToken(name: string): Promise<ApiTokenCreated> {
  return unwrap(api.POST('/api/v1/api-tokens', { body: { name } }))
}

export function revokeApiToken(id: ApiToken['id']): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/api-tokens/{token_id}', { params: { path: { token_id: id } } }))
}
