import type { RouteRecordRaw } from 'vue-router'
import type { Role } from '@/api/types'
import { isRole, ROLE_HOMES } from '@/utils/labels'

/** What the route guard and the navigation need to know about the signed-in user. */
export interface Principal {
  role: string
  permissions: readonly string[]
}

/** The backend's permission vocabulary (backend/authz/policies.py), as listed in `/auth/me`'s `permissions`. */
export const PERMISSIONS = [
  'organizations:read',
  'users:manage',
  'api_tokens:manage',
  'audit:read',
  'campaigns:read',
  'campaigns:manage',
  'registry:read',
  'agencies:create',
  'agencies:update',
  'evaluators:manage',
  'evaluators:verify',
  'id_numbers:read',
  'enterprises:manage',
  'projects:manage',
  'liaisons:read',
  'liaisons:manage',
  'county_documents:submit',
  'self_checks:read',
  'self_checks:fill',
  'self_checks:oversee',
  'findings:read',
  'findings:raise',
  'files:read',
  'uploads:write',
  'retrieval:read',
  'retrieval:manage',
  'retrieval:submit',
  'experts:read',
  'experts:manage',
  'expert_conflicts:declare',
  'reviews:read',
  'reviews:assign',
  'reviews:write',
  'reviews:decide',
  'inspectors:manage',
  'inspections:read',
  'inspections:manage',
  'inspection_draws:manage',
  'county_checks:read',
  'county_checks:manage',
  'penalties:read',
  'penalties:manage',
  'enforcement:callback',
  'enforcement:manage',
  'dashboard:read',
] as const

export type Permission = (typeof PERMISSIONS)[number]

export interface AccessRule {
  roles?: readonly Role[]
  permission?: Permission
}

/** Permissions use the backend's own vocabulary (`users:manage`, `projects:manage`, …) from `/auth/me`. */
export function can(principal: Principal | null | undefined, permission: Permission): boolean {
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

/**
 * Where a role wants its most used pages in the navigation (route names); pages not listed follow in route
 * order. The route table's own order is the city's.
 */
export const MENU_ORDER: Partial<Record<Role, readonly string[]>> = {
  county: [
    'county-home',
    'self-check-oversight',
    'findings',
    'retrieval',
    'inspections',
    'inspection-duty',
    'county-checks',
    'penalties',
    'inspectors',
    'enterprises',
    'projects',
    'agencies',
    'evaluators',
    'liaisons',
    'county-progress',
  ],
  agency: ['agency-home', 'self-checks', 'retrieval', 'findings', 'inspections', 'county-checks', 'penalties', 'my-agency', 'evaluators', 'projects'],
}

/** The navigation entries a user may open: route order, or the role's `MENU_ORDER` first. */
export function menuEntries(routes: readonly RouteRecordRaw[], principal: Principal | null | undefined, base = '/'): MenuEntry[] {
  const entries: (MenuEntry & { rank: number })[] = []
  const order = principal && isRole(principal.role) ? (MENU_ORDER[principal.role] ?? []) : []
  routes.forEach((route, position) => {
    const meta = route.meta
    if (!meta?.title || meta.menu === false || meta.public) return
    if (!canAccess(principal, meta)) return
    if (meta.menuRoles && !(principal && isRole(principal.role) && meta.menuRoles.includes(principal.role))) return
    const path = route.path.startsWith('/') ? route.path : `${base}${route.path}`
    const listed = typeof route.name === 'string' ? order.indexOf(route.name) : -1
    entries.push({ path, title: meta.title, icon: meta.icon, rank: listed >= 0 ? listed : order.length + position })
  })
  return entries.sort((a, b) => a.rank - b.rank).map(({ path, title, icon }) => ({ path, title, icon }))
}
