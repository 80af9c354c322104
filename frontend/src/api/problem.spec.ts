// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { ApiError, errorMessage, fieldLabel, NETWORK_ERROR_MESSAGE, problemMessage, toApiError, toNetworkError } from './problem'

const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  type: 'about:blank',
  title: 'Error',
  status,
  request_id: 'body-req-1',
  ...extra,
})

function problemResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } })
}

describe('problemMessage', () => {
  it('uses the backend detail for 4xx responses', () => {
    expect(problemMessage(401, problem(401, { detail: '用户名或密码错误' }))).toBe('用户名或密码错误')
    expect(problemMessage(423, problem(423, { detail: '账号已锁定，至 2024-09-05 14:30 解除' }))).toBe('账号已锁定，至 2024-09-05 14:30 解除')
    expect(problemMessage(409, problem(409, { detail: '用户名已存在' }))).toBe('用户名已存在')
  })

  it('falls back to a Chinese per-status message when there is no detail', () => {
    expect(problemMessage(403, problem(403))).toBe('没有权限执行此操作')
    expect(problemMessage(404, problem(404, { detail: '  ' }))).toBe('请求的内容不存在')
    expect(problemMessage(418, 'not json')).toBe('请求失败（418）')
  })

  it('lists the field errors of a 422 with Chinese field names', () => {
    const body = problem(422, {
      detail: '提交的数据未通过校验',
      errors: [
        { field: 'body.new_password', message: '至少 8 位' },
        { field: 'email', message: '格式不正确' },
        { field: 'body.custom_thing', message: '无效' },
      ],
    })
    expect(problemMessage(422, body)).toBe('提交的数据未通过校验（新密码：至少 8 位；邮箱：格式不正确；custom_thing：无效）')
  })

  it('gives a generic 422 message when neither detail nor errors are present', () => {
    expect(problemMessage(422, problem(422))).toBe('提交的内容有误，请检查后重试')
  })

  it('hides 5xx details and quotes the request id instead', () => {
    const body = problem(500, { detail: 'Traceback: secret internals' })
    expect(problemMessage(500, body, 'hdr-req-9')).toBe('服务器出错，请稍后重试（请求编号 hdr-req-9）')
    expect(problemMessage(502, body)).toBe('服务器出错，请稍后重试（请求编号 body-req-1）')
    expect(problemMessage(503, '<html>bad gateway</html>')).toBe('服务器出错，请稍后重试')
  })
})

describe('toApiError', () => {
  it('prefers the X-Request-ID header and keeps the field errors', async () => {
    const body = problem(422, { detail: '校验失败', errors: [{ field: 'username', message: '已被占用' }] })
    const response = problemResponse(422, body, { 'X-Request-ID': 'abc-123' })
    const error = toApiError(response, await response.json())
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(422)
    expect(error.requestId).toBe('abc-123')
    expect(error.fieldErrors).toEqual([{ field: 'username', message: '已被占用' }])
    expect(error.message).toBe('校验失败（用户名：已被占用）')
  })

  it('uses the request id of the header in 5xx messages', () => {
    const error = toApiError(problemResponse(500, {}, { 'X-Request-ID': 'r-500' }), problem(500))
    expect(error.message).toBe('服务器出错，请稍后重试（请求编号 r-500）')
  })
})

describe('network failures', () => {
  it('map to the network message', () => {
    const error = toNetworkError(new TypeError('Failed to fetch'))
    expect(error.status).toBe(0)
    expect(error.isNetworkError).toBe(true)
    expect(error.message).toBe(NETWORK_ERROR_MESSAGE)
    expect(errorMessage(new TypeError('fetch failed'))).toBe('网络连接失败，请检查网络后重试')
    expect(errorMessage(new Error('whatever'))).toBe('操作失败，请稍后重试')
  })
})

describe('fieldLabel', () => {
  it('reduces a location path to its last segment', () => {
    expect(fieldLabel('body.full_name')).toBe('姓名')
    expect(fieldLabel('query.page_size')).toBe('每页条数')
    expect(fieldLabel('unknown')).toBe('unknown')
  })
})
