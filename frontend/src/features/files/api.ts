import { api, unwrap } from '@/api/client'
import type { FileLink, FileRead } from '@/api/types'

/**
 * A 5-minute signed address of a stored file (`/api/v1/files/<id>/download?token=…`) that the browser can open
 * without the Authorization header: it streams to disk (Range, resumable) under the file's Chinese name, or,
 * with `inline`, opens in the browser (PDF, images). The scope is checked when the link is made.
 */
export function createFileLink(fileId: number, options: { inline?: boolean } = {}): Promise<FileLink> {
  return unwrap(
    api.POST('/api/v1/files/{file_id}/link', {
      params: { path: { file_id: fileId }, ...(options.inline ? { query: { inline: true } } : {}) },
    }),
  )
}

/** A stored file with its zip directory (`zip_listing`, the first 500 entries, read without extracting). */
export function getFile(fileId: number): Promise<FileRead> {
  return unwrap(api.GET('/api/v1/files/{file_id}', { params: { path: { file_id: fileId } } }))
}
