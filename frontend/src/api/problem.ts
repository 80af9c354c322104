/**
 * Turns the backend's RFC 9457 `application/problem+json` errors (and transport failures) into
 * one `ApiError` carrying a Chinese message that the UI can show as is.
 */

export interface ProblemFieldError {
  field: string
  message: string
}

export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string | null
  errors?: ProblemFieldError[] | null
  request_id?: string | null
}

export const NETWORK_ERROR_MESSAGE = '网络连接失败，请检查网络后重试'

const STATUS_MESSAGES: Record<number, string> = {
  400: '请求有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '没有权限执行此操作',
  404: '请求的内容不存在',
  409: '数据冲突，请刷新后重试',
  413: '提交的内容过大',
  422: '提交的内容有误，请检查后重试',
  423: '账号已被锁定，请稍后再试',
  429: '操作过于频繁，请稍后再试',
}

/** Chinese names for the request fields the backend reports in `errors[].field`. */
const FIELD_LABELS: Record<string, string> = {
  username: '用户名',
  password: '密码',
  current_password: '当前密码',
  new_password: '新密码',
  full_name: '姓名',
  phone: '手机号',
  email: '邮箱',
  name: '名称',
  is_admin: '管理员',
  is_active: '状态',
  page: '页码',
  page_size: '每页条数',
  sort: '排序',
  since: '起始时间',
  until: '截止时间',
}

export class ApiError extends Error {
  readonly status: number
  readonly fieldErrors: ProblemFieldError[]
  readonly requestId: string | null
  readonly problem: ProblemBody | null

  constructor(
    status: number,
    message: string,
    options: { fieldErrors?: ProblemFieldError[]; requestId?: string | null; problem?: ProblemBody | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ApiError'
    this.status = status
    this.fieldErrors = options.fieldErrors ?? []
    this.requestId = options.requestId ?? null
    this.problem = options.problem ?? null
  }

  get isNetworkError(): boolean {
    return this.status === 0
  }
}

export function isProblemBody(value: unknown): value is ProblemBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('detail' in value || 'title' in value || 'status' in value)
}

/** `body.username` / `["body","username"]`-style locations are reduced to the last segment. */
export function fieldLabel(field: string): string {
  const last = field.split('.').filter(Boolean).pop() ?? field
  return FIELD_LABELS[last] ?? last
}

function nonEmpty(text: string | null | undefined): string | null {
  const trimmed = text?.trim()
  return trimmed ? trimmed : null
}

/**
 * The message to show for a failed response.
 * - 5xx: a generic message with the request id, so a user can quote it to support;
 * - 422: `detail` followed by each field error;
 * - other 4xx: the backend's `detail` (already Chinese), or a per-status default.
 */
export function problemMessage(status: number, body: unknown, requestId?: string | null): string {
  const problem = isProblemBody(body) ? body : null
  if (status >= 500) {
    const id = nonEmpty(requestId) ?? nonEmpty(problem?.request_id)
    return id ? `服务器出错，请稍后重试（请求编号 ${id}）` : '服务器出错，请稍后重试'
  }
  const detail = nonEmpty(problem?.detail)
  if (status === 422) {
    const fieldErrors = problem?.errors ?? []
    const base = detail ?? STATUS_MESSAGES[422]
    if (fieldErrors.length === 0) return base
    const parts = fieldErrors.map((e) => `${fieldLabel(e.field)}：${e.message}`)
    return `${base}（${parts.join('；')}）`
  }
  return detail ?? STATUS_MESSAGES[status] ?? `请求失败（${status}）`
}

export function toApiError(response: Response, body: unknown): ApiError {
  const problem = isProblemBody(body) ? body : null
  const requestId = response.headers.get('X-Request-ID') ?? problem?.request_id ?? null
  return new ApiError(response.status, problemMessage(response.status, body, requestId), {
    fieldErrors: problem?.errors ?? [],
    requestId,
    problem,
  })
}

export function toNetworkError(cause: unknown): ApiError {
  return new ApiError(0, NETWORK_ERROR_MESSAGE, { cause })
}

/** The message to show for anything thrown by an API call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof TypeError) return NETWORK_ERROR_MESSAGE
  return '操作失败，请稍后重试'
}
