import { api, unwrap } from '@/api/client'
import type { User, UserCreate, UserId, UserPage, UserQuery, UserUpdate } from '@/api/types'

export function listUsers(query: UserQuery): Promise<UserPage> {
  return unwrap(api.GET('/api/v1/users', { params: { query } }))
}

export function createUser(body: UserCreate): Promise<User> {
  return unwrap(api.POST('/api/v1/users', { body }))
}

export function updateUser(id: UserId, body: UserUpdate): Promise<User> {
  return unwrap(api.PATCH('/api/v1/users/{user_id}', { params: { path: { user_id: id } }, body }))
}

export function resetUserPassword(id: UserId, newPassword: string): Promise<unknown> {
  return unwrap(api.POST('/api/v1/users/{user_id}/password', { params: { path: { user_id: id } }, body: { new_password: newPassword } }))
}
