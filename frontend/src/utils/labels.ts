import type { Role } from '@/api/types'

export const ROLES: readonly Role[] = ['city', 'county', 'agency', 'expert']

/** How each role is called in the UI (the organisation it stands for). */
export const ROLE_LABELS: Record<Role, string> = {
  city: '市应急管理局危化科',
  county: '县区应急管理局',
  agency: '安全评价机构',
  expert: '评审专家',
}

export const ROLE_HOMES: Record<Role, { path: string; name: string; title: string }> = {
  city: { path: '/city', name: 'city-home', title: '市级工作台' },
  county: { path: '/county', name: 'county-home', title: '县区工作台' },
  agency: { path: '/agency', name: 'agency-home', title: '机构工作台' },
  expert: { path: '/expert', name: 'expert-home', title: '专家工作台' },
}

/** `/auth/me` declares `role` as a plain string; this narrows it to the four known roles. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function roleLabel(role: string | null | undefined): string {
  return isRole(role) ? ROLE_LABELS[role] : (role ?? '')
}
