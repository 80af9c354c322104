import type { RouteRecordRaw } from 'vue-router'
import AppLayout from '@/layout/AppLayout.vue'
import { useSessionStore } from '@/stores/session'
import { ROLE_HOMES } from '@/utils/labels'

const RoleHomePage = () => import('@/features/home/RoleHomePage.vue')
const AgencyDetailPage = () => import('@/features/agencies/AgencyDetailPage.vue')
const ProjectFormPage = () => import('@/features/projects/ProjectFormPage.vue')
const InspectionDrawPage = () => import('@/features/inspections/InspectionDrawPage.vue')

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
    path: 'campaigns',
    name: 'campaigns',
    component: () => import('@/features/campaigns/CampaignsPage.vue'),
    // Everyone may read the campaign calendar (linked from the home card); only the city lists it in its menu.
    meta: { permission: 'campaigns:read', menuRoles: ['city'], title: '专项整治', icon: 'Flag' },
  },
  {
    path: 'agencies',
    name: 'agencies',
    component: () => import('@/features/agencies/AgenciesPage.vue'),
    meta: { permission: 'registry:read', menuRoles: ['city', 'county'], title: '评价机构', icon: 'OfficeBuilding' },
  },
  {
    path: 'agencies/:id',
    name: 'agency-detail',
    component: AgencyDetailPage,
    props: true,
    meta: { permission: 'registry:read', menu: false, title: '评价机构详情' },
  },
  {
    // An agency's own registry entry: the same detail page, for the signed-in user's organisation.
    path: 'my-agency',
    name: 'my-agency',
    component: AgencyDetailPage,
    props: () => ({ id: String(useSessionStore().me?.organization.id ?? '') }),
    meta: { roles: ['agency'], permission: 'registry:read', title: '本机构信息', icon: 'OfficeBuilding' },
  },
  {
    path: 'evaluators',
    name: 'evaluators',
    component: () => import('@/features/evaluators/EvaluatorsPage.vue'),
    meta: { permission: 'registry:read', title: '评价人员', icon: 'Avatar' },
  },
  {
    path: 'evaluators/:id',
    name: 'evaluator-detail',
    component: () => import('@/features/evaluators/EvaluatorDetailPage.vue'),
    props: true,
    meta: { permission: 'registry:read', menu: false, title: '评价人员详情' },
  },
  {
    path: 'enterprises',
    name: 'enterprises',
    component: () => import('@/features/enterprises/EnterprisesPage.vue'),
    meta: { permission: 'registry:read', menuRoles: ['city', 'county'], title: '企业', icon: 'Shop' },
  },
  {
    path: 'enterprises/:id',
    name: 'enterprise-detail',
    component: () => import('@/features/enterprises/EnterpriseDetailPage.vue'),
    props: true,
    meta: { permission: 'registry:read', menu: false, title: '企业详情' },
  },
  {
    path: 'projects',
    name: 'projects',
    component: () => import('@/features/projects/ProjectsPage.vue'),
    meta: { permission: 'registry:read', title: '评价项目', icon: 'Tickets' },
  },
  {
    path: 'projects/new',
    name: 'project-new',
    component: ProjectFormPage,
    meta: { permission: 'projects:manage', menu: false, title: '登记评价项目' },
  },
  {
    path: 'projects/:id',
    name: 'project-detail',
    component: () => import('@/features/projects/ProjectDetailPage.vue'),
    props: true,
    meta: { permission: 'registry:read', menu: false, title: '评价项目详情' },
  },
  {
    path: 'projects/:id/edit',
    name: 'project-edit',
    component: ProjectFormPage,
    props: true,
    meta: { permission: 'projects:manage', menu: false, title: '编辑评价项目' },
  },
  {
    path: 'liaisons',
    name: 'liaisons',
    component: () => import('@/features/liaisons/LiaisonsPage.vue'),
    meta: { permission: 'liaisons:read', title: '联络员', icon: 'Phone' },
  },
  {
    path: 'county-progress',
    name: 'county-progress',
    component: () => import('@/features/county-progress/CountyProgressPage.vue'),
    meta: { permission: 'liaisons:read', title: '县区报送', icon: 'Finished' },
  },
  {
    path: 'self-checks',
    name: 'self-checks',
    component: () => import('@/features/self-checks/SelfChecksPage.vue'),
    meta: { permission: 'self_checks:fill', title: '自查自改', icon: 'EditPen' },
  },
  {
    path: 'self-checks/:id',
    name: 'self-check-form',
    component: () => import('@/features/self-checks/SelfCheckFormPage.vue'),
    props: true,
    meta: { permission: 'self_checks:read', menu: false, title: '自查表' },
  },
  {
    path: 'self-check-oversight',
    name: 'self-check-oversight',
    component: () => import('@/features/self-checks/SelfCheckOversightPage.vue'),
    meta: { permission: 'self_checks:oversee', title: '自查督导', icon: 'DataAnalysis' },
  },
  {
    path: 'findings',
    name: 'findings',
    component: () => import('@/features/findings/FindingsPage.vue'),
    meta: { permission: 'findings:read', title: '问题清单', icon: 'Warning' },
  },
  {
    path: 'findings/:id',
    name: 'finding-detail',
    component: () => import('@/features/findings/FindingDetailPage.vue'),
    props: true,
    meta: { permission: 'findings:read', menu: false, title: '问题详情' },
  },
  {
    path: 'retrieval',
    name: 'retrieval',
    component: () => import('@/features/retrieval/RetrievalListPage.vue'),
    meta: { permission: 'retrieval:read', title: '报告调阅', icon: 'FolderOpened' },
  },
  {
    path: 'retrieval/:id',
    name: 'retrieval-detail',
    component: () => import('@/features/retrieval/RetrievalDetailPage.vue'),
    props: true,
    meta: { permission: 'retrieval:read', menu: false, title: '调阅详情' },
  },
  {
    path: 'reviews',
    name: 'reviews',
    component: () => import('@/features/reviews/ReviewPanelsPage.vue'),
    meta: { permission: 'reviews:decide', title: '专家审查', icon: 'Reading' },
  },
  {
    path: 'reviews/:itemId',
    name: 'review-panel',
    component: () => import('@/features/reviews/ReviewPanelPage.vue'),
    props: true,
    meta: { permission: 'reviews:decide', menu: false, title: '审查会商' },
  },
  {
    path: 'experts',
    name: 'experts',
    component: () => import('@/features/reviews/ExpertsPage.vue'),
    meta: { permission: 'experts:manage', title: '专家库', icon: 'Stamp' },
  },
  {
    path: 'my-reviews',
    name: 'my-reviews',
    component: () => import('@/features/reviews/MyReviewsPage.vue'),
    meta: { permission: 'reviews:write', title: '审查任务', icon: 'Reading' },
  },
  {
    // The expert's working page (report beside the checklist); the city opens it read-only from the panel.
    path: 'my-reviews/:id',
    name: 'review-assignment',
    component: () => import('@/features/reviews/ReviewOpinionPage.vue'),
    props: true,
    meta: { permission: 'reviews:read', menu: false, title: '审查意见' },
  },
  {
    path: 'inspections',
    name: 'inspections',
    component: () => import('@/features/inspections/InspectionsPage.vue'),
    meta: { permission: 'inspections:read', title: '现场检查', icon: 'Aim' },
  },
  {
    path: 'inspections/:id',
    name: 'inspection-detail',
    component: () => import('@/features/inspections/InspectionPage.vue'),
    props: true,
    meta: { permission: 'inspections:read', menu: false, title: '检查记录' },
  },
  {
    path: 'inspection-draws',
    name: 'inspection-draws',
    component: InspectionDrawPage,
    meta: { permission: 'inspection_draws:manage', title: '双随机抽取', icon: 'MagicStick' },
  },
  {
    path: 'inspection-draws/:id',
    name: 'inspection-draw',
    component: InspectionDrawPage,
    props: true,
    meta: { permission: 'inspection_draws:manage', menu: false, title: '抽取结果' },
  },
  {
    path: 'inspection-duty',
    name: 'inspection-duty',
    component: () => import('@/features/inspections/InspectionDutyPage.vue'),
    meta: { permission: 'inspections:manage', title: '检查任务', icon: 'Checked' },
  },
  {
    path: 'inspectors',
    name: 'inspectors',
    component: () => import('@/features/inspections/InspectorsPage.vue'),
    meta: { permission: 'inspectors:manage', title: '执法人员', icon: 'Postcard' },
  },
  {
    path: 'county-checks',
    name: 'county-checks',
    component: () => import('@/features/inspections/CountyChecksPage.vue'),
    meta: { permission: 'county_checks:read', title: '报告核查', icon: 'DocumentChecked' },
  },
  {
    path: 'county-checks/:id',
    name: 'county-check-detail',
    component: () => import('@/features/inspections/CountyCheckPage.vue'),
    props: true,
    meta: { permission: 'county_checks:read', menu: false, title: '报告核查记录' },
  },
  {
    path: 'penalties',
    name: 'penalties',
    component: () => import('@/features/penalties/PenaltiesPage.vue'),
    meta: { permission: 'penalties:read', title: '行政处罚', icon: 'Memo' },
  },
  {
    path: 'penalties/:id',
    name: 'penalty-detail',
    component: () => import('@/features/penalties/PenaltyDetailPage.vue'),
    props: true,
    meta: { permission: 'penalties:read', menu: false, title: '处罚记录' },
  },
  {
    path: 'enforcement-outbox',
    name: 'enforcement-outbox',
    component: () => import('@/features/inspections/OutboxPage.vue'),
    meta: { permission: 'enforcement:manage', title: '执法系统报送', icon: 'Promotion' },
  },
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
