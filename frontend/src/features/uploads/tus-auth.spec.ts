import type { DetailedError, HttpRequest, HttpResponse } from 'tus-js-client'
import { describe, expect, it, vi } from 'vitest'
import { NETWORK_ERROR_MESSAGE } from '@/api/problem'
import { createTusAuth, isRetryableStatus, SessionExpiredError, UploadRefusedError, uploadErrorMessage } from './tus-auth'

function request(method = 'PATCH'): HttpRequest & { headers: Record<string, string> } {
  const headers: Record<string, string> = {}
  return {
    headers,
    getMethod: () => method,
    getURL: () => '/api/v1/uploads/0123456789abcdef0123456789abcdef',
    setHeader: (name: string, value: string) => void (headers[name] = value),
    getHeader: (name: string) => headers[name],
    setProgressHandler: () => undefined,
    send: async () => response(204),
    abort: async () => undefined,
    getUnderlyingObject: () => null,
  }
}

function response(status: number, body = '', headers: Record<string, string> = {}): HttpResponse {
  return { getStatus: () => status, getHeader: (name: string) => headers[name], getBody: () => body, getUnderlyingObject: () => null }
}

const failure = (res: HttpResponse | null, cause: Error | null = null) =>
  ({ message: 'tus: failed', originalRequest: request(), originalResponse: res, causingError: cause }) as unknown as DetailedError

function deps(options: { refreshOk?: boolean } = {}) {
  let token: string | null = 'old'
  return {
    getAccessToken: vi.fn(() => token),
    refresh: vi.fn(async () => {
      token = options.refreshOk === false ? null : 'new'
      return options.refreshOk !== false
    }),
    onSessionExpired: vi.fn(),
  }
}

describe('tus requests carry the session', () => {
  it('sends the bearer token with every request', async () => {
    const auth = createTusAuth(deps())
    const req = request('HEAD')
    await auth.onBeforeRequest(req)
    expect(req.headers.Authorization).toBe('Bearer old')
  })

  it('refreshes once on a 401 and retries with the new token', async () => {
    const session = deps()
    const auth = createTusAuth(session)
    const unauthorized = response(401, '{"detail":"登录已过期"}')
    auth.onAfterResponse(request(), unauthorized)
    expect(auth.onShouldRetry(failure(unauthorized), 0)).toBe(true)
    const retry = request()
    await auth.onBeforeRequest(retry)
    expect(session.refresh).toHaveBeenCalledTimes(1)
    expect(retry.headers.Authorization).toBe('Bearer new')
    // A second 401 in a row, with the fresh token: give up instead of looping.
    auth.onAfterResponse(retry, unauthorized)
    expect(auth.onShouldRetry(failure(unauthorized), 1)).toBe(false)
    expect(session.refresh).toHaveBeenCalledTimes(1)
    expect(session.onSessionExpired).not.toHaveBeenCalled()
  })

  it('stops the upload and signs out when the refresh fails', async () => {
    const session = deps({ refreshOk: false })
    const auth = createTusAuth(session)
    const unauthorized = response(401)
    auth.onAfterResponse(request(), unauthorized)
    expect(auth.onShouldRetry(failure(unauthorized), 0)).toBe(true)
    await expect(auth.onBeforeRequest(request())).rejects.toBeInstanceOf(SessionExpiredError)
    expect(session.onSessionExpired).toHaveBeenCalledTimes(1)
    // tus reports the thrown error as a failed request: not retried, and the message says why.
    const thrown = failure(null, new SessionExpiredError())
    expect(auth.onShouldRetry(thrown, 1)).toBe(false)
    expect(uploadErrorMessage(thrown)).toBe('登录已过期，请重新登录')
  })

  it('retries dropped connections, conflicts, locks and server errors, not answers about the file', () => {
    const auth = createTusAuth(deps())
    expect(auth.onShouldRetry(failure(null), 0)).toBe(true)
    for (const status of [409, 423, 429, 500, 502, 503]) expect(isRetryableStatus(status)).toBe(true)
    for (const status of [400, 403, 404, 413, 415, 422, 460]) expect(isRetryableStatus(status)).toBe(false)
    expect(auth.onShouldRetry(failure(response(422)), 0)).toBe(false)
    expect(auth.onShouldRetry(failure(response(409)), 0)).toBe(true)
  })
})

describe('a refused upload (HEAD 410)', () => {
  it('is not retried and says why the server refused it', () => {
    const auth = createTusAuth(deps())
    // tus reports the error thrown from onAfterResponse as a failed request without a response.
    const refused = failure(null, new UploadRefusedError('压缩包中包含不安全的路径：../etc/passwd'))
    expect(auth.onShouldRetry(refused, 0)).toBe(false)
    expect(uploadErrorMessage(refused)).toBe('压缩包中包含不安全的路径：../etc/passwd')
    expect(uploadErrorMessage(new UploadRefusedError('文件内容不被接受'))).toBe('文件内容不被接受')
  })
})

describe('uploadErrorMessage', () => {
  it("shows the server's Chinese reason for refusing the content", () => {
    const body = JSON.stringify({ title: '文件内容不被接受', status: 422, detail: '压缩包已加密，无法检查其内容，请上传未加密的 zip' })
    expect(uploadErrorMessage(failure(response(422, body)))).toBe('压缩包已加密，无法检查其内容，请上传未加密的 zip')
  })

  it('uses the per-status message when the body is not problem+json', () => {
    expect(uploadErrorMessage(failure(response(413, 'too large')))).toBe('提交的内容过大')
    expect(uploadErrorMessage(failure(response(502, '<html>', { 'X-Request-ID': 'abc' })))).toBe('服务器出错，请稍后重试（请求编号 abc）')
  })

  it('says the network failed when no answer came', () => {
    expect(uploadErrorMessage(failure(null, new Error('xhr error')))).toBe(NETWORK_ERROR_MESSAGE)
    expect(uploadErrorMessage(new Error('something else'))).toBe('上传失败，请重试')
  })
})
