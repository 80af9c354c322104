import { api, unwrap } from '@/api/client'
import type {
  ItemReviewIn,
  RetrievalDetail,
  RetrievalQuery,
  RetrievalRequestCreate,
  RetrievalRequestPage,
  RetrievalSlot,
} from '@/api/types'

export function listRetrievalRequests(query: RetrievalQuery): Promise<RetrievalRequestPage> {
  return unwrap(api.GET('/api/v1/retrieval-requests', { params: { query } }))
}

export function getRetrievalRequest(id: number): Promise<RetrievalDetail> {
  return unwrap(api.GET('/api/v1/retrieval-requests/{request_id}', { params: { path: { request_id: id } } }))
}

/** The city calls in an agency's reports (all its valid ones unless `project_ids` names some). */
export function createRetrievalRequest(body: RetrievalRequestCreate): Promise<RetrievalDetail> {
  return unwrap(api.POST('/api/v1/retrieval-requests', { body })) as Promise<RetrievalDetail>
}

/** Attaches an uploaded file to a project's slot; a new report replaces the previous one. */
export function attachRetrievalFile(requestId: number, itemId: number, fileId: number, slot: RetrievalSlot): Promise<RetrievalDetail> {
  return unwrap(
    api.POST('/api/v1/retrieval-requests/{request_id}/items/{item_id}/files', {
      params: { path: { request_id: requestId, item_id: itemId } },
      body: { file_id: fileId, slot },
    }),
  )
}

export function detachRetrievalFile(requestId: number, itemId: number, linkId: number): Promise<RetrievalDetail> {
  return unwrap(
    api.DELETE('/api/v1/retrieval-requests/{request_id}/items/{item_id}/files/{link_id}', {
      params: { path: { request_id: requestId, item_id: itemId, link_id: linkId } },
    }),
  )
}

/** Refused with 422 and one `errors` entry per incomplete project (`items.<item id>`) while anything is missing. */
export function submitRetrievalRequest(id: number): Promise<RetrievalDetail> {
  return unwrap(api.POST('/api/v1/retrieval-requests/{request_id}/submit', { params: { path: { request_id: id } } }))
}

export function reviewRetrievalItem(requestId: number, itemId: number, body: ItemReviewIn): Promise<RetrievalDetail> {
  return unwrap(
    api.POST('/api/v1/retrieval-requests/{request_id}/items/{item_id}/review', {
      params: { path: { request_id: requestId, item_id: itemId } },
      body,
    }),
  )
}
