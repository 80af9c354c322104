import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { toApiError } from './problem'

/**
 * The one typed client for the backend. Auth middleware (token, refresh-and-retry) is attached at
 * start-up by `installApiAuth`, which knows the session store and the router.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })

interface ApiResult {
  data?: unknown
  error?: unknown
  response: Response
}

type DataOf<R> = R extends { data: infer D } ? D : never

/** Returns the data of a successful call, or throws an `ApiError` with a Chinese message. */
export async function unwrap<R extends ApiResult>(call: Promise<R>): Promise<DataOf<R>> {
  const result = await call
  if (!result.response.ok) throw toApiError(result.response, result.error)
  return result.data as DataOf<R>
}
