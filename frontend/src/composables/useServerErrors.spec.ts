import { describe, expect, it } from 'vitest'
import { nextTick, reactive } from 'vue'
import { ApiError } from '@/api/problem'
import { fieldOfError, useServerErrors } from './useServerErrors'

describe('server field errors', () => {
  const known = ['name', 'credit_code', 'members']

  it('finds the form field a problem names', () => {
    expect(fieldOfError('credit_code', known)).toBe('credit_code')
    expect(fieldOfError('body.credit_code', known)).toBe('credit_code')
    expect(fieldOfError('members.0.name', known)).toBe('members')
    expect(fieldOfError('unknown', known)).toBeNull()
  })

  it('places errors on their fields and clears one when it is edited', async () => {
    const form = reactive({ name: 'x', credit_code: 'bad' })
    const { serverErrors, report } = useServerErrors(form, ['name', 'credit_code'])
    const error = new ApiError(422, 'x', { fieldErrors: [{ field: 'credit_code', message: '统一社会信用代码校验位不正确，请核对' }] })
    expect(report(error)).toBe(true)
    expect(serverErrors.credit_code).toBe('统一社会信用代码校验位不正确，请核对')
    form.credit_code = 'better'
    await nextTick()
    expect(serverErrors.credit_code).toBe('')
  })
})
