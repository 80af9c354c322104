import { api, unwrap } from '@/api/client'
import type { CountyDocument, CountyProgressPage, SubmissionIn, SubmissionKind } from '@/api/types'

export function listCountyProgress(campaignId: number): Promise<CountyProgressPage> {
  return unwrap(api.GET('/api/v1/county-submissions', { params: { query: { campaign_id: campaignId } } }))
}

/** A county reports its liaison table or work plan (again: replaces it and re-judges lateness). */
export function submitCountyDocument(kind: SubmissionKind, body: SubmissionIn): Promise<CountyDocument> {
  return unwrap(api.PUT('/api/v1/county-submissions/{kind}', { params: { path: { kind } }, body }))
}

export function getCountyDocument(kind: SubmissionKind, countyId: number, campaignId: number): Promise<CountyDocument> {
  return unwrap(
    api.GET('/api/v1/county-submissions/{kind}/{county_id}', {
      params: { path: { kind, county_id: countyId }, query: { campaign_id: campaignId } },
    }),
  )
}
