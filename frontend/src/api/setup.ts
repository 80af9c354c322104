import { ElMessage } from 'element-plus'
import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { createAuthMiddleware, type AuthMiddlewareDeps } from './auth-middleware'
import { api } from './client'

let installed: AuthMiddlewareDeps | null = null

/** Wires the API client to the session store (token, refresh) and the router (back to login). */
export function installApiAuth(pinia: Pinia, router: Router): void {
  const session = useSessionStore(pinia)
  installed = {
    getAccessToken: () => session.accessToken,
    refresh: () => session.refresh(),
    onSessionExpired: () => {
      const wasSignedIn = session.isAuthenticated
      session.clear()
      const current = router.currentRoute.value
      if (current.name === 'login') return
      if (wasSignedIn) ElMessage.warning('登录已过期，请重新登录')
      void router.replace({ name: 'login', query: { redirect: current.fullPath } })
    },
  }
  api.use(createAuthMiddleware(installed))
}

/**
 * The same token, refresh and expiry handling for requests sent outside the API client (the tus uploads,
 * which use their own XMLHttpRequests for progress events).
 */
export function sessionAuth(): AuthMiddlewareDeps {
  if (!installed) throw new Error('installApiAuth() has not run')
  return installed
}
