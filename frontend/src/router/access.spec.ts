import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Role } from '@/api/types'
import { can, canAccess, homePathFor, menuEntries, type Principal } from './access'
import { decideNavigation, safeRedirect } from './guard'
import { layoutChildren, routes } from './routes'

// The demo accounts' shapes: org admins manage users and tokens; only the city admin reads the audit log.
const principal = (role: Role, permissions: string[]): Principal => ({ role, permissions })
const cityAdmin = principal('city', ['users:manage', 'api_tokens:manage', 'audit:read', 'organizations:read'])
const countyAdmin = principal('county', ['users:manage', 'api_tokens:manage', 'organizations:read'])
const agencyStaff = principal('agency', ['organizations:read'])
const expert = principal('expert', ['organizations:read'])

const router = createRouter({ history: createMemoryHistory(), routes })
const decide = (path: string, who: Principal | null) => decideNavigation(router.resolve(path), who)

describe('can()', () => {
  it('checks the backend permission vocabulary', () => {
    expect(can(cityAdmin, 'audit:read')).toBe(true)
    expect(can(countyAdmin, 'audit:read')).toBe(false)
    expect(can(countyAdmin, 'users:manage')).toBe(true)
    expect(can(agencyStaff, 'users:manage')).toBe(false)
    expect(can(null, 'organizations:read')).toBe(false)
  })
})

describe('canAccess()', () => {
  it('requires both the role and the permission when both are given', () => {
    expect(canAccess(cityAdmin, { roles: ['city'], permission: 'audit:read' })).toBe(true)
    expect(canAccess(countyAdmin, { roles: ['city'], permission: 'audit:read' })).toBe(false)
    expect(canAccess(principal('city', []), { roles: ['city'], permission: 'audit:read' })).toBe(false)
    expect(canAccess(expert, undefined)).toBe(true)
    expect(canAccess(null, undefined)).toBe(false)
  })
})

describe('navigation menu per role', () => {
  const titles = (who: Principal) => menuEntries(layoutChildren, who).map((e) => `${e.title} ${e.path}`)

  it('shows the city admin everything of the city', () => {
    expect(titles(cityAdmin)).toEqual(['市级工作台 /city', '用户管理 /users', '接口令牌 /api-tokens', '审计日志 /audit', '我的账号 /me'])
  })

  it('shows a county admin its home and administration, but no audit log', () => {
    expect(titles(countyAdmin)).toEqual(['县区工作台 /county', '用户管理 /users', '接口令牌 /api-tokens', '我的账号 /me'])
  })

  it('shows a non-admin only the home and the account', () => {
    expect(titles(agencyStaff)).toEqual(['机构工作台 /agency', '我的账号 /me'])
    expect(titles(expert)).toEqual(['专家工作台 /expert', '我的账号 /me'])
  })
})

describe('the route guard decision', () => {
  it('sends each role from / to its home', () => {
    expect(decide('/', cityAdmin)).toBe('/city')
    expect(decide('/', countyAdmin)).toBe('/county')
    expect(decide('/', agencyStaff)).toBe('/agency')
    expect(decide('/', expert)).toBe('/expert')
    expect(homePathFor('expert')).toBe('/expert')
  })

  it('lets a role open its own pages', () => {
    expect(decide('/city', cityAdmin)).toBe(true)
    expect(decide('/audit', cityAdmin)).toBe(true)
    expect(decide('/users', countyAdmin)).toBe(true)
    expect(decide('/me', expert)).toBe(true)
  })

  it('sends a role home from pages it may not open', () => {
    expect(decide('/audit', countyAdmin)).toBe('/county')
    expect(decide('/city', countyAdmin)).toBe('/county')
    expect(decide('/users', agencyStaff)).toBe('/agency')
    expect(decide('/api-tokens', expert)).toBe('/expert')
    expect(decide('/county', expert)).toBe('/expert')
  })

  it('sends anonymous users to the login page, remembering where they were going', () => {
    expect(decide('/users?page=2', null)).toEqual({ name: 'login', query: { redirect: '/users?page=2' } })
    expect(decide('/', null)).toEqual({ name: 'login' })
    expect(decide('/login', null)).toBe(true)
  })

  it('sends signed-in users away from the login page', () => {
    expect(decide('/login', agencyStaff)).toBe('/agency')
  })

  it('shows the 404 page for unknown paths, signed in or not', () => {
    expect(router.resolve('/no/such/page').name).toBe('not-found')
    expect(decide('/no/such/page', null)).toBe(true)
    expect(decide('/no/such/page', cityAdmin)).toBe(true)
  })
})

describe('safeRedirect()', () => {
  it('accepts only same-site paths', () => {
    expect(safeRedirect('/users?page=2')).toBe('/users?page=2')
    expect(safeRedirect('//evil.example/x')).toBeNull()
    expect(safeRedirect('/\\evil.example')).toBeNull()
    expect(safeRedirect('https://evil.example')).toBeNull()
    expect(safeRedirect('/login?redirect=/x')).toBeNull()
    expect(safeRedirect(['/a'])).toBeNull()
  })
})

// The registry's permissions, as /auth/me lists them for the demo accounts (backend/authz/policies.py).
const REGISTRY = {
  city: [
    'agencies:create',
    'agencies:update',
    'api_tokens:manage',
    'audit:read',
    'campaigns:manage',
    'campaigns:read',
    'enterprises:manage',
    'evaluators:manage',
    'evaluators:verify',
    'id_numbers:read',
    'liaisons:manage',
    'liaisons:read',
    'organizations:read',
    'projects:manage',
    'registry:read',
    'users:manage',
  ],
  county: [
    'api_tokens:manage',
    'campaigns:read',
    'county_documents:submit',
    'enterprises:manage',
    'evaluators:verify',
    'liaisons:manage',
    'liaisons:read',
    'organizations:read',
    'projects:manage',
    'registry:read',
    'users:manage',
  ],
  agency: ['agencies:update', 'api_tokens:manage', 'campaigns:read', 'evaluators:manage', 'evaluators:verify', 'organizations:read', 'registry:read', 'users:manage'],
  expert: ['campaigns:read', 'organizations:read'],
}

describe('registry navigation per role', () => {
  const titles = (who: Principal) => menuEntries(layoutChildren, who).map((e) => e.title)

  it('gives the city the whole campaign, in its order', () => {
    expect(titles(principal('city', REGISTRY.city))).toEqual([
      '市级工作台',
      '专项整治',
      '评价机构',
      '评价人员',
      '企业',
      '评价项目',
      '联络员',
      '县区报送',
      '用户管理',
      '接口令牌',
      '审计日志',
      '我的账号',
    ])
  })

  it('puts a county’s daily work first', () => {
    expect(titles(principal('county', REGISTRY.county))).toEqual([
      '县区工作台',
      '企业',
      '评价项目',
      '评价机构',
      '评价人员',
      '联络员',
      '县区报送',
      '用户管理',
      '接口令牌',
      '我的账号',
    ])
  })

  it('sends an agency straight to its own registry entry', () => {
    const entries = menuEntries(layoutChildren, principal('agency', REGISTRY.agency))
    expect(entries.map((e) => e.title)).toEqual(['机构工作台', '本机构信息', '评价人员', '评价项目', '用户管理', '接口令牌', '我的账号'])
    expect(entries[1].path).toBe('/my-agency')
  })

  it('shows an expert only its home and account', () => {
    expect(titles(principal('expert', REGISTRY.expert))).toEqual(['专家工作台', '我的账号'])
  })

  it('guards the registry pages by permission', () => {
    const county = principal('county', REGISTRY.county)
    const agency = principal('agency', REGISTRY.agency)
    const expertUser = principal('expert', REGISTRY.expert)
    expect(decide('/projects/new', county)).toBe(true)
    expect(decide('/projects/5/edit', county)).toBe(true)
    expect(decide('/projects/new', agency)).toBe('/agency')
    expect(decide('/projects/5', agency)).toBe(true)
    expect(decide('/my-agency', agency)).toBe(true)
    expect(decide('/my-agency', county)).toBe('/county')
    expect(decide('/liaisons', agency)).toBe('/agency')
    expect(decide('/county-progress', county)).toBe(true)
    expect(decide('/campaigns', expertUser)).toBe(true) // readable from the home card, not in its menu
    expect(decide('/projects', expertUser)).toBe('/expert')
  })
})

// The demo accounts' full permission lists since report retrieval (附件4) and uploads landed.
const CURRENT = {
  city: [...REGISTRY.city, 'files:read', 'findings:raise', 'findings:read', 'retrieval:manage', 'retrieval:read', 'self_checks:oversee', 'self_checks:read', 'uploads:write'],
  county: [...REGISTRY.county, 'files:read', 'findings:raise', 'findings:read', 'retrieval:read', 'self_checks:oversee', 'self_checks:read', 'uploads:write'],
  agency: [...REGISTRY.agency, 'files:read', 'findings:read', 'retrieval:read', 'retrieval:submit', 'self_checks:fill', 'self_checks:read', 'uploads:write'],
  expert: [...REGISTRY.expert, 'files:read', 'uploads:write'],
}

describe('report retrieval (报告调阅) navigation', () => {
  const titles = (who: Principal) => menuEntries(layoutChildren, who).map((e) => `${e.title} ${e.path}`)

  it('lists 报告调阅 after 问题清单 for the city', () => {
    expect(titles(principal('city', CURRENT.city))).toEqual([
      '市级工作台 /city',
      '专项整治 /campaigns',
      '评价机构 /agencies',
      '评价人员 /evaluators',
      '企业 /enterprises',
      '评价项目 /projects',
      '联络员 /liaisons',
      '县区报送 /county-progress',
      '自查督导 /self-check-oversight',
      '问题清单 /findings',
      '报告调阅 /retrieval',
      '用户管理 /users',
      '接口令牌 /api-tokens',
      '审计日志 /audit',
      '我的账号 /me',
    ])
  })

  it('puts it among a county’s daily work', () => {
    expect(titles(principal('county', CURRENT.county)).slice(0, 5)).toEqual([
      '县区工作台 /county',
      '自查督导 /self-check-oversight',
      '问题清单 /findings',
      '报告调阅 /retrieval',
      '企业 /enterprises',
    ])
  })

  it('puts it right after the self-checks for an agency', () => {
    expect(titles(principal('agency', CURRENT.agency)).slice(0, 4)).toEqual(['机构工作台 /agency', '自查自改 /self-checks', '报告调阅 /retrieval', '问题清单 /findings'])
  })

  it('does not offer it to an expert', () => {
    expect(titles(principal('expert', CURRENT.expert))).toEqual(['专家工作台 /expert', '我的账号 /me'])
  })

  it('guards the list and the detail page by retrieval:read', () => {
    for (const role of ['city', 'county', 'agency'] as const) {
      expect(decide('/retrieval', principal(role, CURRENT[role]))).toBe(true)
      expect(decide('/retrieval/12', principal(role, CURRENT[role]))).toBe(true)
    }
    expect(decide('/retrieval', principal('expert', CURRENT.expert))).toBe('/expert')
    expect(decide('/retrieval/12', principal('expert', CURRENT.expert))).toBe('/expert')
    expect(decide('/retrieval/12', null)).toEqual({ name: 'login', query: { redirect: '/retrieval/12' } })
    expect(router.resolve('/retrieval/12').name).toBe('retrieval-detail')
  })
})

// The demo accounts' permission lists since expert review (专家审查) landed: the city organises and decides, the
// experts review and declare their own conflicts, counties and agencies take no part.
const REVIEWS = {
  city: [...CURRENT.city, 'expert_conflicts:declare', 'experts:manage', 'experts:read', 'reviews:assign', 'reviews:decide', 'reviews:read'],
  county: CURRENT.county,
  agency: CURRENT.agency,
  expert: [...CURRENT.expert, 'expert_conflicts:declare', 'experts:read', 'reviews:read', 'reviews:write'],
}

describe('expert review (专家审查) navigation', () => {
  const titles = (who: Principal) => menuEntries(layoutChildren, who).map((e) => `${e.title} ${e.path}`)

  it('lists 专家审查 and 专家库 after 报告调阅 for the city', () => {
    expect(titles(principal('city', REVIEWS.city))).toEqual([
      '市级工作台 /city',
      '专项整治 /campaigns',
      '评价机构 /agencies',
      '评价人员 /evaluators',
      '企业 /enterprises',
      '评价项目 /projects',
      '联络员 /liaisons',
      '县区报送 /county-progress',
      '自查督导 /self-check-oversight',
      '问题清单 /findings',
      '报告调阅 /retrieval',
      '专家审查 /reviews',
      '专家库 /experts',
      '用户管理 /users',
      '接口令牌 /api-tokens',
      '审计日志 /audit',
      '我的账号 /me',
    ])
  })

  it('gives an expert its review tasks only', () => {
    expect(titles(principal('expert', REVIEWS.expert))).toEqual(['专家工作台 /expert', '审查任务 /my-reviews', '我的账号 /me'])
  })

  it('offers none of it to counties and agencies', () => {
    for (const role of ['county', 'agency'] as const) {
      const menu = titles(principal(role, REVIEWS[role]))
      expect(menu.filter((entry) => /\/(reviews|experts|my-reviews)$/.test(entry))).toEqual([])
    }
  })

  it('guards the panels by reviews:decide and the expert pool by experts:manage', () => {
    const city = principal('city', REVIEWS.city)
    const expertUser = principal('expert', REVIEWS.expert)
    expect(decide('/reviews', city)).toBe(true)
    expect(decide('/reviews/12', city)).toBe(true)
    expect(decide('/experts', city)).toBe(true)
    expect(router.resolve('/reviews/12').name).toBe('review-panel')
    expect(decide('/reviews', expertUser)).toBe('/expert')
    expect(decide('/reviews/12', expertUser)).toBe('/expert')
    expect(decide('/experts', expertUser)).toBe('/expert')
    expect(decide('/experts', principal('county', REVIEWS.county))).toBe('/county')
    expect(decide('/reviews', principal('agency', REVIEWS.agency))).toBe('/agency')
  })

  it('lets the city read an expert’s opinion page, but not the expert’s task list', () => {
    const city = principal('city', REVIEWS.city)
    expect(decide('/my-reviews/3', city)).toBe(true)
    expect(decide('/my-reviews', city)).toBe('/city')
    expect(decide('/my-reviews', principal('expert', REVIEWS.expert))).toBe(true)
    expect(decide('/my-reviews/3', principal('expert', REVIEWS.expert))).toBe(true)
    expect(decide('/my-reviews/3', principal('agency', REVIEWS.agency))).toBe('/agency')
  })
})

// The demo accounts' permission lists since on-site inspections, county checks and penalties (issue 7): the city
// draws and inspects, its admins watch the enforcement-system outbox; counties inspect their area and check
// reports; agencies read what concerns them.
const INSPECTIONS = {
  city: [
    ...REVIEWS.city,
    'county_checks:manage',
    'county_checks:read',
    'enforcement:manage',
    'inspection_draws:manage',
    'inspections:manage',
    'inspections:read',
    'inspectors:manage',
    'penalties:manage',
    'penalties:read',
  ],
  county: [
    ...REVIEWS.county,
    'county_checks:manage',
    'county_checks:read',
    'inspections:manage',
    'inspections:read',
    'inspectors:manage',
    'penalties:manage',
    'penalties:read',
  ],
  agency: [...REVIEWS.agency, 'county_checks:read', 'inspections:read', 'penalties:read'],
  expert: REVIEWS.expert,
}

describe('inspections, county checks and penalties navigation', () => {
  const titles = (who: Principal) => menuEntries(layoutChildren, who).map((e) => `${e.title} ${e.path}`)

  it('lists the enforcement pages after expert review for the city admin', () => {
    expect(titles(principal('city', INSPECTIONS.city))).toEqual([
      '市级工作台 /city',
      '专项整治 /campaigns',
      '评价机构 /agencies',
      '评价人员 /evaluators',
      '企业 /enterprises',
      '评价项目 /projects',
      '联络员 /liaisons',
      '县区报送 /county-progress',
      '自查督导 /self-check-oversight',
      '问题清单 /findings',
      '报告调阅 /retrieval',
      '专家审查 /reviews',
      '专家库 /experts',
      '现场检查 /inspections',
      '双随机抽取 /inspection-draws',
      '检查任务 /inspection-duty',
      '执法人员 /inspectors',
      '报告核查 /county-checks',
      '行政处罚 /penalties',
      '执法系统报送 /enforcement-outbox',
      '用户管理 /users',
      '接口令牌 /api-tokens',
      '审计日志 /audit',
      '我的账号 /me',
    ])
  })

  it('keeps the outbox from a city user who is not an admin', () => {
    const staff = principal('city', INSPECTIONS.city.filter((p) => p !== 'enforcement:manage'))
    expect(titles(staff)).not.toContain('执法系统报送 /enforcement-outbox')
    expect(decide('/enforcement-outbox', staff)).toBe('/city')
    expect(decide('/enforcement-outbox', principal('city', INSPECTIONS.city))).toBe(true)
  })

  it('puts a county’s inspection work right after report retrieval, without the draw and the outbox', () => {
    expect(titles(principal('county', INSPECTIONS.county)).slice(0, 10)).toEqual([
      '县区工作台 /county',
      '自查督导 /self-check-oversight',
      '问题清单 /findings',
      '报告调阅 /retrieval',
      '现场检查 /inspections',
      '检查任务 /inspection-duty',
      '报告核查 /county-checks',
      '行政处罚 /penalties',
      '执法人员 /inspectors',
      '企业 /enterprises',
    ])
    const menu = titles(principal('county', INSPECTIONS.county))
    expect(menu.filter((entry) => /\/(inspection-draws|enforcement-outbox)$/.test(entry))).toEqual([])
  })

  it('shows an agency its inspections, the checks of its reports and its penalties, read-only', () => {
    expect(titles(principal('agency', INSPECTIONS.agency)).slice(0, 8)).toEqual([
      '机构工作台 /agency',
      '自查自改 /self-checks',
      '报告调阅 /retrieval',
      '问题清单 /findings',
      '现场检查 /inspections',
      '报告核查 /county-checks',
      '行政处罚 /penalties',
      '本机构信息 /my-agency',
    ])
    const agency = principal('agency', INSPECTIONS.agency)
    expect(decide('/inspections/4', agency)).toBe(true)
    expect(decide('/penalties/2', agency)).toBe(true)
    expect(decide('/inspectors', agency)).toBe('/agency')
    expect(decide('/inspection-duty', agency)).toBe('/agency')
    expect(decide('/inspection-draws', agency)).toBe('/agency')
  })

  it('offers none of it to an expert', () => {
    expect(titles(principal('expert', INSPECTIONS.expert))).toEqual(['专家工作台 /expert', '审查任务 /my-reviews', '我的账号 /me'])
    expect(decide('/inspections', principal('expert', INSPECTIONS.expert))).toBe('/expert')
  })

  it('guards the draw by inspection_draws:manage and resolves the detail routes', () => {
    const county = principal('county', INSPECTIONS.county)
    expect(decide('/inspection-draws', county)).toBe('/county')
    expect(decide('/inspection-draws/3', principal('city', INSPECTIONS.city))).toBe(true)
    expect(decide('/inspection-duty', county)).toBe(true)
    expect(decide('/county-checks/7', county)).toBe(true)
    expect(router.resolve('/inspections/9').name).toBe('inspection-detail')
    expect(router.resolve('/inspection-draws/3').name).toBe('inspection-draw')
    expect(router.resolve('/county-checks/7').name).toBe('county-check-detail')
    expect(router.resolve('/penalties/2').name).toBe('penalty-detail')
  })
})
