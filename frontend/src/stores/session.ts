import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, unwrap } from '@/api/client'
import { singleFlight } from '@/api/single-flight'
import type { Me, TokenResponse } from '@/api/types'
import { can as canWith, homePathFor, type Permission } from '@/router/access'

/**
 * The signed-in session. The access token lives only here, in memory; the refresh token is an
 * httpOnly cookie the browser sends to /api/v1/auth/refresh, so a reload re-establishes the session.
 */
export const useSessionStore = defineStore('session', () => {
  const accessToken = ref<string | null>(null)
  const me = shallowRef<Me | null>(null)
  let restoring: Promise<void> | null = null

  const isAuthenticated = computed(() => accessToken.value !== null && me.value !== null)
  const homePath = computed(() => (me.value ? homePathFor(me.value.role) : '/login'))

  function acceptToken(token: TokenResponse): void {
    accessToken.value = token.access_token
  }

  function clear(): void {
    accessToken.value = null
    me.value = null
  }

  /** Exchanges the refresh cookie for a new access token; concurrent callers share one request. */
  const refresh = singleFlight(async (): Promise<boolean> => {
    try {
      acceptToken(await unwrap(api.POST('/api/v1/auth/refresh')))
      return true
    } catch {
      accessToken.value = null
      return false
    }
  })

  async function loadMe(): Promise<Me> {
    const profile = await unwrap(api.GET('/api/v1/auth/me'))
    me.value = profile
    return profile
  }

  /** Runs once per page load: restores a session from the refresh cookie if there is one. */
  function restore(): Promise<void> {
    restoring ??= (async () => {
      if (accessToken.value === null && !(await refresh())) return
      if (me.value === null) {
        try {
          await loadMe()
        } catch {
          clear()
        }
      }
    })()
    return restoring
  }

  async function login(username: string, password: string): Promise<Me> {
    const token = await unwrap(
      api.POST('/api/v1/auth/token', {
        body: { username, password, scope: '' },
        bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
    )
    acceptToken(token)
    try {
      return await loadMe()
    } catch (error) {
      clear()
      throw error
    }
  }

  async function logout(): Promise<void> {
    try {
      await unwrap(api.POST('/api/v1/auth/logout'))
    } catch {
      // The session is dropped locally whatever the server said; the cookie expires on its own.
    } finally {
      clear()
    }
  }

  function can(permission: Permission): boolean {
    return canWith(me.value, permission)
  }

  return { accessToken, me, isAuthenticated, homePath, refresh, restore, loadMe, login, logout, clear, can }
})
