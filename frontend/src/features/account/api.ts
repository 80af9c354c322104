import { api, unwrap } from '@/api/client'
import type { PasswordChange } from '@/api/types'

export function changeOwnPassword(body: PasswordChange): Promise<unknown> {
  return unwrap(api.POST('/api/v1/auth/password', { body }))
}
