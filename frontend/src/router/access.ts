import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/api/types'
import { isRole, ROLE_HOMES } from '@/utils/labels'

/** What the route guard and the navigation need to know about the signed-in user. */
export interface Principal {
  role: string
  permissions: readonly string[]
}

export interface AccessRule {
  roles?: readonly Role[]
  permission?: string
}

/** Permissions use the backend's own vocabulary (`users:manage`, `audit:read`, …) from `/auth/me`. */
export function can(principal: Principal | null | undefined, permission: string): boolean {
  return !!principal && principal.permissions.includes(permission)
}

export function canAccess(principal: Principal | null | undefined, rule: AccessRule | undefined): boolean {
  if (!principal) return false
  if (rule?.roles && rule.roles.length > 0 && !(isRole(principal.role) && rule.roles.includes(principal.role))) return false
  if (rule?.permission && !can(principal, rule.permission)) return false
  return true
}

/** The role's workbench; an unknown role (should the backend add one) lands on its account page. */
export function homePathFor(role: string): string {
  return isRole(role) ? ROLE_HOMES[role].path : '/me'
}

export interface MenuEntry {
  path: string
  title: string
  icon?: string
}

/** The navigation entries a user may open, in route order. */
export function menuEntries(routes: readonly RouteRecordRaw[], principal: Principal | null | undefined, base = '/'): MenuEntry[] {
  const entries: MenuEntry[] = []
  for (const route of routes) {
    const meta = route.meta
    if (!meta?.title || meta.menu === false || meta.public) continue
    if (!canAccess(principal, meta)) continue
    const path = route.path.startsWith('/') ? route.path : `${base}${route.path}`
    entries.push({ path, title: meta.title, icon: meta.icon })
  }
  return entries
}
