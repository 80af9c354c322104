import { toApiError } from './problem'

/**
 * The file name a server gave in `Content-Disposition`: RFC 6266 `filename*=UTF-8''…` (percent-encoded, so it
 * can carry Chinese) wins over the plain ASCII `filename="…"` fallback.
 */
export function filenameFromContentDisposition(header: string | null | undefined): string | null {
  if (!header) return null
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''))
    } catch {
      // malformed percent-encoding: fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  if (plain) return (plain[2] ?? plain[1]).trim() || null
  return null
}

interface BlobResult {
  data?: Blob
  error?: unknown
  response: Response
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Revoke later: some browsers read the URL only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

/**
 * Saves a download made through the API client (so it carries the Authorization header), e.g.
 * `downloadFrom(api.GET('/api/v1/projects/export', { params, parseAs: 'blob' }), '附件1.xlsx')`.
 * Throws an `ApiError` when the server refused. Returns the file name used.
 */
export async function downloadFrom(call: Promise<BlobResult>, fallbackName: string): Promise<string> {
  const result = await call
  if (!result.response.ok || !result.data) throw toApiError(result.response, result.error)
  const name = filenameFromContentDisposition(result.response.headers.get('Content-Disposition')) ?? fallbackName
  saveBlob(result.data, name)
  return name
}
