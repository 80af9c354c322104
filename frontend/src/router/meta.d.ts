import 'vue-router'
import type { Role } from '@/api/types'
import type { Permission } from './access'

export {}

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Roles allowed to open the route; absent means every signed-in role. */
    roles?: readonly Role[]
    /** A backend permission (`me.permissions`) required to open the route. */
    permission?: Permission
    /** Page title, also the navigation label. */
    title?: string
    /** Name of an @element-plus/icons-vue icon for the navigation. */
    icon?: string
    /** false hides the route from the navigation. */
    menu?: boolean
    /** Roles whose navigation lists the route (others may still open it, e.g. from a link). */
    menuRoles?: readonly Role[]
  }
}
