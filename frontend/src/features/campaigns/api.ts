import { api, unwrap } from '@/api/client'
import type { Campaign, CampaignCreate, CampaignPage, CampaignUpdate } from '@/api/types'

export function listCampaigns(): Promise<CampaignPage> {
  return unwrap(api.GET('/api/v1/campaigns'))
}

export function getCurrentCampaign(): Promise<Campaign> {
  return unwrap(api.GET('/api/v1/campaigns/current'))
}

export function createCampaign(body: CampaignCreate): Promise<Campaign> {
  return unwrap(api.POST('/api/v1/campaigns', { body }))
}

export function updateCampaign(id: number, body: CampaignUpdate): Promise<Campaign> {
  return unwrap(api.PATCH('/api/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: id } }, body }))
}
