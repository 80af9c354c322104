import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type {
  ReminderIn,
  ReminderResult,
  SelfCheckDetail,
  SelfCheckDraft,
  SelfCheckKind,
  SelfCheckPage,
  SelfCheckProgressPage,
  SelfCheckQuery,
  SelfCheckTransition,
} from '@/api/types'
import { KIND_FILE_NAMES } from './status'

export function listSelfChecks(query: SelfCheckQuery): Promise<SelfCheckPage> {
  return unwrap(api.GET('/api/v1/self-checks', { params: { query } }))
}

/** Starts a self-check (409 when the agency already has one of that kind in the campaign). */
export function createSelfCheck(campaignId: number, kind: SelfCheckKind): Promise<SelfCheckDetail> {
  return unwrap(api.POST('/api/v1/self-checks', { body: { campaign_id: campaignId, kind } })) as Promise<SelfCheckDetail>
}

export function getSelfCheck(id: number): Promise<SelfCheckDetail> {
  return unwrap(api.GET('/api/v1/self-checks/{self_check_id}', { params: { path: { self_check_id: id } } }))
}

/** Saves the draft as it is (no completeness check); only in draft / returned. */
export function saveSelfCheckDraft(id: number, body: SelfCheckDraft): Promise<SelfCheckDetail> {
  return unwrap(api.PUT('/api/v1/self-checks/{self_check_id}', { params: { path: { self_check_id: id } }, body }))
}

export function transitionSelfCheck(id: number, body: SelfCheckTransition): Promise<SelfCheckDetail> {
  return unwrap(api.POST('/api/v1/self-checks/{self_check_id}/transitions', { params: { path: { self_check_id: id } }, body })) as Promise<SelfCheckDetail>
}

export function exportSelfCheck(id: number, kind: string): Promise<string> {
  return downloadFrom(
    api.GET('/api/v1/self-checks/{self_check_id}/export', { params: { path: { self_check_id: id } }, parseAs: 'blob' }),
    KIND_FILE_NAMES[kind as SelfCheckKind] ?? '自查表.xlsx',
  )
}

export function exportSelfChecks(campaignId: number, kind: SelfCheckKind): Promise<string> {
  return downloadFrom(
    api.GET('/api/v1/self-checks/export', { params: { query: { campaign_id: campaignId, kind } }, parseAs: 'blob' }),
    KIND_FILE_NAMES[kind],
  )
}

export function listSelfCheckProgress(campaignId: number): Promise<SelfCheckProgressPage> {
  return unwrap(api.GET('/api/v1/self-checks/oversight', { params: { query: { campaign_id: campaignId } } }))
}

export function sendReminders(body: ReminderIn): Promise<ReminderResult> {
  return unwrap(api.POST('/api/v1/self-checks/reminders', { body })) as Promise<ReminderResult>
}
