import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type * as ClientModule from '@/api/client'

const fakeApi = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn() }))
vi.mock('@/api/client', async (importOriginal) => ({
  ...(await importOriginal<typeof ClientModule>()),
  api: fakeApi,
}))

import { useSessionStore } from './session'

const ok = (data: unknown, status = 200) => ({ data, response: new Response(null, { status }) })
const fail = (status: number, detail: string) => ({
  error: { status, title: 'x', detail },
  response: new Response(null, { status, headers: { 'Content-Type': 'application/problem+json' } }),
})
const token = (value: string) => ({ access_token: value, token_type: 'bearer', expires_in: 900 })
const me = {
  id: 1,
  username: 'county.haigang',
  full_name: '海港区管理员',
  phone: null,
  email: null,
  role: 'county',
  is_admin: true,
  organization: { id: 3, name: '海港区应急管理局', kind: 'county', division_code: '130302', parent_id: 1 },
  permissions: ['users:manage', 'api_tokens:manage', 'organizations:read'],
}

function route(handlers: Record<string, () => unknown>) {
  const handle = (method: string) => async (path: string) => {
    const handler = handlers[`${method} ${path}`]
    if (!handler) throw new Error(`unexpected ${method} ${path}`)
    return handler()
  }
  fakeApi.GET.mockImplementation(handle('GET'))
  fakeApi.POST.mockImplementation(handle('POST'))
}

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    fakeApi.GET.mockReset()
    fakeApi.POST.mockReset()
  })

  it('restores a session from the refresh cookie once, however many navigations ask', async () => {
    route({ 'POST /api/v1/auth/refresh': () => ok(token('t1')), 'GET /api/v1/auth/me': () => ok(me) })
    const session = useSessionStore()
    await Promise.all([session.restore(), session.restore(), session.restore()])
    await session.restore()
    expect(fakeApi.POST).toHaveBeenCalledTimes(1)
    expect(fakeApi.GET).toHaveBeenCalledTimes(1)
    expect(session.accessToken).toBe('t1')
    expect(session.isAuthenticated).toBe(true)
    expect(session.homePath).toBe('/county')
    expect(session.can('users:manage')).toBe(true)
    expect(session.can('audit:read')).toBe(false)
  })

  it('stays signed out when there is no valid refresh cookie', async () => {
    route({ 'POST /api/v1/auth/refresh': () => fail(401, '登录已过期') })
    const session = useSessionStore()
    await session.restore()
    expect(session.isAuthenticated).toBe(false)
    expect(fakeApi.GET).not.toHaveBeenCalled()
  })

  it('shares one refresh between concurrent callers', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let n = 0
    route({ 'POST /api/v1/auth/refresh': async () => (await gate, ok(token(`t${++n}`))) })
    const session = useSessionStore()
    const results = [session.refresh(), session.refresh(), session.refresh()]
    release()
    expect(await Promise.all(results)).toEqual([true, true, true])
    expect(fakeApi.POST).toHaveBeenCalledTimes(1)
    expect(session.accessToken).toBe('t1')
  })

  it('logs in with the OAuth2 password form and loads the profile', async () => {
    route({ 'POST /api/v1/auth/token': () => ok(token('t-login')), 'GET /api/v1/auth/me': () => ok(me) })
    const session = useSessionStore()
    await session.login('county.haigang', 'Anping@2024')
    const [, init] = fakeApi.POST.mock.calls[0]
    expect(init.body).toEqual({ username: 'county.haigang', password: 'Anping@2024', scope: '' })
    expect(String(init.bodySerializer(init.body))).toBe('username=county.haigang&password=Anping%402024&scope=')
    expect(init.headers['Content-Type']).toBe('application/x-www-form-urlencoded')
    expect(session.accessToken).toBe('t-login')
    expect(session.me?.organization.name).toBe('海港区应急管理局')
  })

  it('surfaces a lockout as the backend says it', async () => {
    route({ 'POST /api/v1/auth/token': () => fail(423, '账号已锁定，请于 15:30 后再试') })
    const session = useSessionStore()
    await expect(session.login('x', 'y')).rejects.toMatchObject({ status: 423, message: '账号已锁定，请于 15:30 后再试' })
    expect(session.isAuthenticated).toBe(false)
  })

  it('clears memory on logout even when the server call fails', async () => {
    route({
      'POST /api/v1/auth/token': () => ok(token('t')),
      'GET /api/v1/auth/me': () => ok(me),
      'POST /api/v1/auth/logout': () => fail(500, 'boom'),
    })
    const session = useSessionStore()
    await session.login('a', 'b')
    await session.logout()
    expect(session.accessToken).toBeNull()
    expect(session.me).toBeNull()
  })
})
