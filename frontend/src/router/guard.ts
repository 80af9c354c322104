import { ElMessage } from 'element-plus'
import type { Pinia } from 'pinia'
import type { RouteLocationRaw, RouteMeta, Router } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { canAccess, homePathFor, type Principal } from './access'

/** Only same-site paths may be used as a post-login redirect (no `//evil.example`). */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null
  if (value.startsWith('/login')) return null
  return value
}

/** The parts of a resolved route the decision reads. */
export interface NavigationTarget {
  name?: string | symbol | null
  fullPath: string
  meta: RouteMeta
  matched: readonly { meta: RouteMeta }[]
}

/**
 * The access decision for one navigation, free of Vue so it can be unit-tested:
 * true to proceed, or where to go instead.
 */
export function decideNavigation(to: NavigationTarget, principal: Principal | null): true | RouteLocationRaw {
  if (to.meta.public) {
    if (to.name === 'login' && principal) return homePathFor(principal.role)
    return true
  }
  if (!principal) {
    return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { redirect: to.fullPath } }
  }
  if (to.name === 'root') return homePathFor(principal.role)
  // Every matched record must allow the user; a route the role may not open sends it home.
  const allowed = to.matched.every((record) => canAccess(principal, record.meta))
  return allowed ? true : homePathFor(principal.role)
}

/** The one global guard: restores the session once (refresh cookie → /auth/me) and filters routes. */
export function installGuards(router: Router, pinia: Pinia): void {
  router.beforeEach(async (to) => {
    const session = useSessionStore(pinia)
    await session.restore()
    const principal = session.isAuthenticated ? session.me : null
    const decision = decideNavigation(to, principal)
    if (decision !== true && principal && !to.meta.public && to.name !== 'root') {
      ElMessage.warning('当前账号无权访问该页面，已返回工作台')
    }
    return decision
  })
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · 安评` : '安评'
  })
}
