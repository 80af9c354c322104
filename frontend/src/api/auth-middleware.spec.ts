// @vitest-environment node
import createClient from 'openapi-fetch'
import { describe, expect, it, vi } from 'vitest'
import { createAuthMiddleware, isCredentialEndpoint } from './auth-middleware'
import { unwrap } from './client'
import { ApiError } from './problem'
import type { paths } from './schema'
import { singleFlight } from './single-flight'

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  })

/** A fake backend that accepts only `validToken`, recording each request it saw. */
function setup(options: { refreshResult?: boolean; refreshGate?: Promise<void> } = {}) {
  let token: string | null = 'old'
  const validToken = { current: 'new' }
  const seen: { url: string; method: string; auth: string | null; body: string }[] = []
  const fetchMock = vi.fn(async (request: Request) => {
    const body = request.method === 'GET' ? '' : await request.text()
    seen.push({ url: new URL(request.url).pathname, method: request.method, auth: request.headers.get('Authorization'), body })
    if (request.headers.get('Authorization') !== `Bearer ${validToken.current}`) {
      return json(401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: '登录已过期' })
    }
    return json(200, { ok: true, path: new URL(request.url).pathname })
  })
  const refreshImpl = vi.fn(async () => {
    await options.refreshGate
    if (options.refreshResult === false) {
      token = null
      return false
    }
    token = validToken.current
    return true
  })
  const refresh = singleFlight(refreshImpl)
  const onSessionExpired = vi.fn()
  const client = createClient<paths>({ baseUrl: 'http://anping.test', fetch: fetchMock })
  client.use(createAuthMiddleware({ getAccessToken: () => token, refresh, onSessionExpired }))
  return {
    client,
    seen,
    fetchMock,
    refreshImpl,
    onSessionExpired,
    setToken: (t: string | null) => (token = t),
    getToken: () => token,
  }
}

describe('singleFlight', () => {
  it('shares one in-flight call between concurrent callers and allows a new one afterwards', async () => {
    const gate = deferred<number>()
    const fn = vi.fn(() => gate.promise)
    const shared = singleFlight(fn)
    const a = shared()
    const b = shared()
    expect(a).toBe(b)
    gate.resolve(7)
    await expect(Promise.all([a, b])).resolves.toEqual([7, 7])
    expect(fn).toHaveBeenCalledTimes(1)
    const c = shared()
    expect(c).not.toBe(a)
    await c
    expect(fn).toHaveBeenCalledTimes(2)
  })

  it('releases the flight after a failure', async () => {
    const fn = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce('ok')
    const shared = singleFlight(fn)
    await expect(shared()).rejects.toThrow('boom')
    await expect(shared()).resolves.toBe('ok')
  })
})

describe('auth middleware', () => {
  it('adds the bearer token from memory', async () => {
    const t = setup()
    t.setToken('new')
    await unwrap(t.client.GET('/api/v1/auth/me'))
    expect(t.seen).toEqual([{ url: '/api/v1/auth/me', method: 'GET', auth: 'Bearer new', body: '' }])
    expect(t.refreshImpl).not.toHaveBeenCalled()
  })

  it('refreshes once for concurrent 401s and retries every request with the new token', async () => {
    const gate = deferred<void>()
    const t = setup({ refreshGate: gate.promise })
    const calls = [
      t.client.GET('/api/v1/auth/me'),
      t.client.GET('/api/v1/users', { params: { query: { page: 1 } } }),
      t.client.GET('/api/v1/api-tokens'),
    ]
    // Let all three fail with 401 before the refresh completes.
    await vi.waitFor(() => expect(t.seen.length).toBe(3))
    gate.resolve()
    const results = await Promise.all(calls)

    expect(t.refreshImpl).toHaveBeenCalledTimes(1)
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200])
    expect(t.seen.slice(0, 3).every((s) => s.auth === 'Bearer old')).toBe(true)
    expect(t.seen.slice(3).map((s) => s.auth)).toEqual(['Bearer new', 'Bearer new', 'Bearer new'])
    expect(t.onSessionExpired).not.toHaveBeenCalled()
  })

  it('does not refresh again when another request already obtained a newer token', async () => {
    const t = setup()
    // Sent with the old token, but by the time the 401 arrives the token in memory is already new.
    t.fetchMock.mockImplementationOnce(async (request: Request) => {
      t.seen.push({ url: new URL(request.url).pathname, method: request.method, auth: request.headers.get('Authorization'), body: '' })
      t.setToken('new')
      return json(401, { status: 401, title: 'Unauthorized' })
    })
    const result = await t.client.GET('/api/v1/auth/me')
    expect(result.response.status).toBe(200)
    expect(t.refreshImpl).not.toHaveBeenCalled()
    expect(t.seen.map((s) => s.auth)).toEqual(['Bearer old', 'Bearer new'])
  })

  it('replays the original request body on retry', async () => {
    const t = setup()
    const body = { username: 'zhang.san', full_name: '张三', password: 'Abcdef1!', is_admin: false }
    const result = await t.client.POST('/api/v1/users', { body })
    expect(result.response.status).toBe(200)
    expect(t.seen.map((s) => [s.method, s.auth])).toEqual([
      ['POST', 'Bearer old'],
      ['POST', 'Bearer new'],
    ])
    expect(JSON.parse(t.seen[1].body)).toEqual(body)
  })

  it('ends the session when the refresh fails, and surfaces the 401', async () => {
    const t = setup({ refreshResult: false })
    const calls = [t.client.GET('/api/v1/auth/me'), t.client.GET('/api/v1/users')]
    const results = await Promise.all(calls)
    expect(results.map((r) => r.response.status)).toEqual([401, 401])
    expect(t.refreshImpl).toHaveBeenCalledTimes(1)
    expect(t.onSessionExpired).toHaveBeenCalled()
    await expect(unwrap(t.client.GET('/api/v1/auth/me'))).rejects.toBeInstanceOf(ApiError)
  })

  it('never refreshes on a 401 from the credential endpoints', async () => {
    const t = setup()
    const login = await t.client.POST('/api/v1/auth/token', {
      body: { username: 'x', password: 'y', scope: '' },
      bodySerializer: (b) => new URLSearchParams(b as Record<string, string>),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    const refresh = await t.client.POST('/api/v1/auth/refresh')
    expect(login.response.status).toBe(401)
    expect(refresh.response.status).toBe(401)
    expect(t.refreshImpl).not.toHaveBeenCalled()
    expect(t.onSessionExpired).not.toHaveBeenCalled()
  })

  it('returns a second 401 after a successful refresh as it is (no loop)', async () => {
    const t = setup()
    t.fetchMock.mockImplementation(async (request: Request) => {
      t.seen.push({ url: new URL(request.url).pathname, method: request.method, auth: request.headers.get('Authorization'), body: '' })
      return json(401, { status: 401, title: 'Unauthorized', detail: '当前密码不正确' })
    })
    const result = await t.client.GET('/api/v1/auth/me')
    expect(result.response.status).toBe(401)
    expect(t.seen).toHaveLength(2)
    expect(t.refreshImpl).toHaveBeenCalledTimes(1)
  })

  it('turns a transport failure into the network ApiError', async () => {
    const t = setup()
    t.fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'))
    await expect(t.client.GET('/api/v1/health')).rejects.toMatchObject({ status: 0, message: '网络连接失败，请检查网络后重试' })
  })

  it('recognises credential endpoints by path', () => {
    expect(isCredentialEndpoint('http://x/api/v1/auth/token')).toBe(true)
    expect(isCredentialEndpoint('/api/v1/auth/refresh')).toBe(true)
    expect(isCredentialEndpoint('/api/v1/auth/logout')).toBe(true)
    expect(isCredentialEndpoint('/api/v1/auth/me')).toBe(false)
    expect(isCredentialEndpoint('/api/v1/users?q=token')).toBe(false)
  })
})
