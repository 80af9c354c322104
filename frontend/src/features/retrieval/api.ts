import { api, unwrap } from '@/api/client'
import { downloadFrom, saveBlob } from '@/api/download'
import { toApiError } from '@/api/problem'
import type {
  FileRead,
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

/** Saves a stored file under its original (Chinese) name; the download carries the bearer token. */
export function downloadFile(file: Pick<FileRead, 'id' | 'name'>): Promise<string> {
  return downloadFrom(
    api.GET('/api/v1/files/{file_id}/content', { params: { path: { file_id: file.id } }, parseAs: 'blob' }),
    file.name,
  )
}

/**
 * Opens a PDF in a new tab. The tab is opened before the download starts (a tab opened after an `await` is
 * taken for a pop-up and blocked), then pointed at the downloaded blob. The content endpoint wants the bearer
 * token, so the tab cannot simply open `download_url` itself.
 */
export async function previewFile(file: Pick<FileRead, 'id' | 'name'>): Promise<void> {
  const tab = window.open('', '_blank')
  try {
    const result = await api.GET('/api/v1/files/{file_id}/content', {
      params: { path: { file_id: file.id }, query: { inline: true } },
      parseAs: 'blob',
    })
    if (!result.response.ok || !result.data) throw toApiError(result.response, result.error)
    const blob = result.data.type ? result.data : new Blob([result.data], { type: 'application/pdf' })
    if (!tab) {
      // Pop-ups refused: hand the file over as a download rather than leave the page.
      saveBlob(blob, file.name)
      return
    }
    const url = URL.createObjectURL(blob)
    tab.location.href = url
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  } catch (error) {
    tab?.close()
    throw error
  }
}
