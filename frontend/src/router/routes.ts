import type { RouteRecordRaw } from 'vue-router'
import AppLayout from '@/layout/AppLayout.vue'
import { ROLE_HOMES } from '@/utils/labels'

const RoleHomePage = () => import('@/features/home/RoleHomePage.vue')

/** Pages inside the signed-in layout; their order is the navigation's order. */
export const layoutChildren: RouteRecordRaw[] = [
  // `/` itself is resolved by the guard to the user's role home.
  { path: '', name: 'root', component: RoleHomePage, meta: { menu: false } },
  ...(['city', 'county', 'agency', 'expert'] as const).map(
    (role): RouteRecordRaw => ({
      path: ROLE_HOMES[role].path.slice(1),
      name: ROLE_HOMES[role].name,
      component: RoleHomePage,
      props: { role },
      meta: { roles: [role], title: ROLE_HOMES[role].title, icon: 'HomeFilled' },
    }),
  ),
  {
    path: 'users',
    name: 'users',
    component: () => import('@/features/users/UsersPage.vue'),
    meta: { permission: 'users:manage', title: '用户管理', icon: 'UserFilled' },
  },
  {
    path: 'api-tokens',
    name: 'api-tokens',
    component: () => import('@/features/api-tokens/ApiTokensPage.vue'),
    meta: { permission: 'api_tokens:manage', title: '接口令牌', icon: 'Key' },
  },
  {
    path: 'audit',
    name: 'audit',
    component: () => import('@/features/audit/AuditPage.vue'),
    meta: { permission: 'audit:read', title: '审计日志', icon: 'Document' },
  },
  {
    path: 'me',
    name: 'me',
    component: () => import('@/features/account/MyAccountPage.vue'),
    meta: { title: '我的账号', icon: 'User' },
  },
]

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/features/auth/LoginPage.vue'),
    meta: { public: true, title: '登录' },
  },
  { path: '/', component: AppLayout, children: layoutChildren },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/features/errors/NotFoundPage.vue'),
    meta: { public: true, title: '页面不存在' },
  },
]
