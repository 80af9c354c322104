import { api, unwrap } from '@/api/client'
import type { paths } from '@/api/schema'

type CountsResponse = paths['/api/v1/dashboard/counts']['get']['responses'][200]['content']['application/json']

/** The dashboard's counts (derived from the path, like `@/api/types`, so a schema rename does not break it). */
export type DashboardCounts = CountsResponse
export type CountyStatusCount = DashboardCounts['findings_by_county'][number]
export type CodeStatusCount = DashboardCounts['findings_by_code'][number]
export type SelfCheckCount = DashboardCounts['self_checks_by_county'][number]

/** Findings and self-checks counted in the viewer's scope (the city: every county; a county: its own). */
export function getDashboardCounts(campaignId?: number | null): Promise<DashboardCounts> {
  const query = campaignId === null || campaignId === undefined ? {} : { campaign_id: campaignId }
  return unwrap(api.GET('/api/v1/dashboard/counts', { params: { query } }))
}
