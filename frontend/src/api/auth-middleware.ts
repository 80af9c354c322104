import type { Middleware } from 'openapi-fetch'
import { toNetworkError } from './problem'

export interface AuthMiddlewareDeps {
  /** The access token held in memory (Pinia), or null. */
  getAccessToken(): string | null
  /** Obtains a new access token from the refresh cookie; must be single-flight. Resolves false on failure. */
  refresh(): Promise<boolean>
  /** Called once a refresh failed: clear the session and send the user to the login page. */
  onSessionExpired(): void
}

/**
 * Endpoints that exchange credentials. A 401 from them is an answer about the credentials themselves,
 * never a reason to refresh (and refreshing on a failed refresh would loop).
 */
const CREDENTIAL_ENDPOINTS = /\/api\/v1\/auth\/(token|refresh|logout)\/?$/

export function isCredentialEndpoint(url: string): boolean {
  return CREDENTIAL_ENDPOINTS.test(new URL(url, 'http://localhost').pathname)
}

function bearerOf(request: Request): string | null {
  const header = request.headers.get('Authorization')
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null
}

/**
 * openapi-fetch middleware: adds the bearer token, and on a 401 refreshes once (shared by concurrent
 * requests) and retries the original request with the new token.
 */
export function createAuthMiddleware(deps: AuthMiddlewareDeps): Middleware {
  // A copy of each request as sent, kept until its response arrives, so that it can be replayed.
  const replayable = new Map<string, Request>()

  return {
    onRequest({ request, id }) {
      const token = deps.getAccessToken()
      if (token && !request.headers.has('Authorization')) {
        request.headers.set('Authorization', `Bearer ${token}`)
      }
      if (!isCredentialEndpoint(request.url)) replayable.set(id, request.clone())
      return request
    },

    async onResponse({ response, id, options }) {
      const original = replayable.get(id)
      replayable.delete(id)
      if (response.status !== 401 || !original) return undefined

      const sentWith = bearerOf(original)
      const current = deps.getAccessToken()
      // Another request may already have refreshed while this one was in flight.
      const refreshed = current !== null && current !== sentWith ? true : await deps.refresh()
      if (!refreshed) {
        deps.onSessionExpired()
        return undefined
      }
      const token = deps.getAccessToken()
      if (!token) {
        deps.onSessionExpired()
        return undefined
      }
      original.headers.set('Authorization', `Bearer ${token}`)
      // The retry is sent once; a second 401 goes back to the caller as it is.
      return options.fetch(original)
    },

    onError({ error, id }) {
      replayable.delete(id)
      if (error instanceof DOMException && error.name === 'AbortError') return undefined
      return toNetworkError(error)
    },
  }
}
