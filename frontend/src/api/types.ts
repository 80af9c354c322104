/** Names for the generated OpenAPI types, derived from paths so they do not depend on schema names. */
import type { paths } from './schema'

type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : never
type Responses<Op> = Op extends { responses: infer R } ? R : never
type SuccessBody<Op> = 200 extends keyof Responses<Op>
  ? JsonContent<Responses<Op>[200]>
  : 201 extends keyof Responses<Op>
    ? JsonContent<Responses<Op>[201]>
    : never
type JsonBody<Op> = Op extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never

export type TokenResponse = SuccessBody<paths['/api/v1/auth/refresh']['post']>
export type Me = SuccessBody<paths['/api/v1/auth/me']['get']>
export type Organization = Me['organization']
export type PasswordChange = JsonBody<paths['/api/v1/auth/password']['post']>

export type UserPage = SuccessBody<paths['/api/v1/users']['get']>
export type User = UserPage['items'][number]
export type UserQuery = QueryOf<paths['/api/v1/users']['get']>
/** The four user roles; the backend declares them as the enum of the users list's `role` filter. */
export type Role = NonNullable<UserQuery['role']>
export type UserCreate = JsonBody<paths['/api/v1/users']['post']>
export type UserUpdate = JsonBody<paths['/api/v1/users/{user_id}']['patch']>
export type UserId = User['id']

export type ApiTokenPage = SuccessBody<paths['/api/v1/api-tokens']['get']>
export type ApiToken = ApiTokenPage['items'][number]
export type ApiTokenCreated = SuccessBody<paths['/api/v1/api-tokens']['post']>
export type ApiTokenQuery = QueryOf<paths['/api/v1/api-tokens']['get']>

export type AuditEventPage = SuccessBody<paths['/api/v1/audit-events']['get']>
export type AuditEvent = AuditEventPage['items'][number]
export type AuditEventQuery = QueryOf<paths['/api/v1/audit-events']['get']>
