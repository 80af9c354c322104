import type { DetailedError, HttpRequest, HttpResponse } from 'tus-js-client'
import { ApiError, NETWORK_ERROR_MESSAGE, problemMessage } from '@/api/problem'
import type { AuthMiddlewareDeps } from '@/api/auth-middleware'

/** Waits between attempts after a dropped connection, a locked upload or an offset conflict (then HEAD resyncs). */
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000]

/** The tus hooks that carry the SPA's bearer token and, like the API client, refresh it once on a 401. */
export interface TusAuthHooks {
  onBeforeRequest(request: HttpRequest): Promise<void>
  onAfterResponse(request: HttpRequest, response: HttpResponse): void
  onShouldRetry(error: DetailedError, retryAttempt: number): boolean
}

/** Thrown into tus when the session could not be refreshed: the upload stops, nothing more is sent. */
export class SessionExpiredError extends Error {
  constructor() {
    super('登录已过期，请重新登录')
    this.name = 'SessionExpiredError'
  }
}

/**
 * Thrown into tus when the server has refused the upload's content (its HEAD answers 410 Gone): nothing is worth
 * sending again, and tus must not start the same file over as a new upload. Carries the server's Chinese reason.
 */
export class UploadRefusedError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'UploadRefusedError'
  }
}

/**
 * Statuses worth another attempt: none (the connection dropped), 409 (offset conflict: tus sends HEAD first
 * and continues from the server's offset), 423 (another request still holds the upload), 429 and 5xx.
 * 413/415/422/460 and the other 4xx are answers about the file itself; retrying would not change them.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 409 || status === 423 || status === 429 || status >= 500
}

export function createTusAuth(deps: AuthMiddlewareDeps): TusAuthHooks {
  let refreshing: Promise<boolean> | null = null
  let expired = false
  // 401s in a row: one refresh is tried per 401 streak, as the API client does.
  let unauthorizedStreak = 0

  return {
    async onBeforeRequest(request) {
      if (refreshing) {
        const ok = await refreshing
        refreshing = null
        if (!ok && !expired) {
          expired = true
          deps.onSessionExpired()
        }
      }
      if (expired) throw new SessionExpiredError()
      const token = deps.getAccessToken()
      if (token) request.setHeader('Authorization', `Bearer ${token}`)
    },

    onAfterResponse(_request, response) {
      unauthorizedStreak = response.getStatus() === 401 ? unauthorizedStreak + 1 : 0
    },

    onShouldRetry(error) {
      if (expired || causeOf(error) instanceof UploadRefusedError) return false
      const status = error.originalResponse?.getStatus() ?? 0
      if (status === 401) {
        if (unauthorizedStreak > 1) return false
        // onShouldRetry cannot wait; the next request's onBeforeRequest awaits the refresh.
        refreshing ??= deps.refresh()
        return true
      }
      return isRetryableStatus(status)
    },
  }
}

export function causeOf(error: unknown): unknown {
  return error && typeof error === 'object' && 'causingError' in error ? (error as DetailedError).causingError : null
}

/**
 * The Chinese message for a failed upload: the server's problem+json `detail` (e.g. why the content was
 * refused), the network message when no answer came, the session message when the login ran out.
 */
export function uploadErrorMessage(error: unknown): string {
  if (error instanceof SessionExpiredError || causeOf(error) instanceof SessionExpiredError) return new SessionExpiredError().message
  if (error instanceof UploadRefusedError) return error.message
  const cause = causeOf(error)
  if (cause instanceof UploadRefusedError) return cause.message
  if (error instanceof ApiError) return error.message
  const response = error && typeof error === 'object' && 'originalResponse' in error ? (error as DetailedError).originalResponse : null
  if (!response) {
    return error && typeof error === 'object' && 'originalRequest' in error ? NETWORK_ERROR_MESSAGE : '上传失败，请重试'
  }
  let body: unknown
  try {
    body = JSON.parse(response.getBody() || 'null')
  } catch {
    body = null // not JSON: the per-status message
  }
  return problemMessage(response.getStatus(), body, response.getHeader('X-Request-ID') ?? null)
}
