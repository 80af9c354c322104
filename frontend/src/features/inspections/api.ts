import { api, unwrap } from '@/api/client'
import type {
  CountyCheck,
  CountyCheckContent,
  CountyCheckCreate,
  CountyCheckPage,
  CountyCheckQuery,
  CountyDuty,
  DocumentIn,
  InspectionCreate,
  InspectionDetail,
  InspectionDraw,
  InspectionDrawCreate,
  InspectionFileIn,
  InspectionPage,
  InspectionQuery,
  InspectionUpdate,
  Inspector,
  InspectorCreate,
  InspectorPage,
  InspectorQuery,
  InspectorUpdate,
  OutboxMessage,
  OutboxPage,
  OutboxQuery,
} from '@/api/types'

// --- inspectors -------------------------------------------------------------------------------------------------
export function listInspectors(query: InspectorQuery): Promise<InspectorPage> {
  return unwrap(api.GET('/api/v1/inspectors', { params: { query } }))
}

/** Every inspector the user may see (a county: its own officers), for pickers and for naming them by id. */
export async function allInspectors(): Promise<Inspector[]> {
  return (await listInspectors({ page: 1, page_size: 200, sort: 'name' })).items
}

export function createInspector(body: InspectorCreate): Promise<Inspector> {
  return unwrap(api.POST('/api/v1/inspectors', { body })) as Promise<Inspector>
}

export function updateInspector(id: number, body: InspectorUpdate): Promise<Inspector> {
  return unwrap(api.PATCH('/api/v1/inspectors/{inspector_id}', { params: { path: { inspector_id: id } }, body }))
}

// --- the random selection ---------------------------------------------------------------------------------------
export function createInspectionDraw(body: InspectionDrawCreate): Promise<InspectionDraw> {
  return unwrap(api.POST('/api/v1/inspection-draws', { body })) as Promise<InspectionDraw>
}

/** The recorded draw, replayed from its seed by the server (`reproducible`). */
export function getInspectionDraw(id: number): Promise<InspectionDraw> {
  return unwrap(api.GET('/api/v1/inspection-draws/{draw_id}', { params: { path: { draw_id: id } } }))
}

// --- inspections --------------------------------------------------------------------------------------------------
export function listInspections(query: InspectionQuery): Promise<InspectionPage> {
  return unwrap(api.GET('/api/v1/inspections', { params: { query } }))
}

export function getInspectionDuty(campaignId: number): Promise<CountyDuty[]> {
  return unwrap(api.GET('/api/v1/inspections/duty', { params: { query: { campaign_id: campaignId } } }))
}

/** 422 on `agency_id` when a county picks an office outside its area. */
export function createInspection(body: InspectionCreate): Promise<InspectionDetail> {
  return unwrap(api.POST('/api/v1/inspections', { body })) as Promise<InspectionDetail>
}

export function getInspection(id: number): Promise<InspectionDetail> {
  return unwrap(api.GET('/api/v1/inspections/{inspection_id}', { params: { path: { inspection_id: id } } }))
}

export function saveInspection(id: number, body: InspectionUpdate): Promise<InspectionDetail> {
  return unwrap(api.PUT('/api/v1/inspections/{inspection_id}', { params: { path: { inspection_id: id } }, body }))
}

export async function deleteInspection(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/inspections/{inspection_id}', { params: { path: { inspection_id: id } } }))
}

/** 422 with one error per gap (`inspector_ids`, `started_at`, `ended_at`, `place`, `checklist.Q1`…). */
export function completeInspection(id: number): Promise<InspectionDetail> {
  return unwrap(api.POST('/api/v1/inspections/{inspection_id}/complete', { params: { path: { inspection_id: id } } }))
}

export function addInspectionFile(id: number, body: InspectionFileIn): Promise<InspectionDetail> {
  return unwrap(api.POST('/api/v1/inspections/{inspection_id}/files', { params: { path: { inspection_id: id } }, body }))
}

export function removeInspectionFile(id: number, linkId: number): Promise<InspectionDetail> {
  return unwrap(
    api.DELETE('/api/v1/inspections/{inspection_id}/files/{link_id}', { params: { path: { inspection_id: id, link_id: linkId } } }),
  )
}

export function addEnforcementDocument(id: number, body: DocumentIn): Promise<InspectionDetail> {
  return unwrap(api.POST('/api/v1/inspections/{inspection_id}/documents', { params: { path: { inspection_id: id } }, body }))
}

export function removeEnforcementDocument(id: number, documentId: number): Promise<InspectionDetail> {
  return unwrap(
    api.DELETE('/api/v1/inspections/{inspection_id}/documents/{document_id}', {
      params: { path: { inspection_id: id, document_id: documentId } },
    }),
  )
}

// --- county checks of reports -------------------------------------------------------------------------------------
export function listCountyChecks(query: CountyCheckQuery): Promise<CountyCheckPage> {
  return unwrap(api.GET('/api/v1/county-checks', { params: { query } }))
}

export function createCountyCheck(body: CountyCheckCreate): Promise<CountyCheck> {
  return unwrap(api.POST('/api/v1/county-checks', { body })) as Promise<CountyCheck>
}

export function getCountyCheck(id: number): Promise<CountyCheck> {
  return unwrap(api.GET('/api/v1/county-checks/{check_id}', { params: { path: { check_id: id } } }))
}

export function saveCountyCheck(id: number, body: CountyCheckContent): Promise<CountyCheck> {
  return unwrap(api.PUT('/api/v1/county-checks/{check_id}', { params: { path: { check_id: id } }, body }))
}

export async function deleteCountyCheck(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/county-checks/{check_id}', { params: { path: { check_id: id } } }))
}

export function completeCountyCheck(id: number): Promise<CountyCheck> {
  return unwrap(api.POST('/api/v1/county-checks/{check_id}/complete', { params: { path: { check_id: id } } }))
}

// --- the enforcement system's outbox ------------------------------------------------------------------------------
export function listOutbox(query: OutboxQuery): Promise<OutboxPage> {
  return unwrap(api.GET('/api/v1/enforcement/outbox', { params: { query } }))
}

/** Only a dead letter may be resent (409 otherwise); it goes again under the same idempotency key. */
export function resendOutboxMessage(id: number): Promise<OutboxMessage> {
  return unwrap(api.POST('/api/v1/enforcement/outbox/{message_id}/resend', { params: { path: { message_id: id } } }))
}
