import { ElMessage } from 'element-plus'
import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { createAuthMiddleware } from './auth-middleware'
import { api } from './client'

/** Wires the API client to the session store (token, refresh) and the router (back to login). */
export function installApiAuth(pinia: Pinia, router: Router): void {
  const session = useSessionStore(pinia)
  api.use(
    createAuthMiddleware({
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
    }),
  )
}
