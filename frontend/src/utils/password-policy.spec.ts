import { describe, expect, it } from 'vitest'
import { checkPassword, validatePasswordPolicy } from './password-policy'

function validate(value: string): string | undefined {
  let message: string | undefined
  validatePasswordPolicy(null, value, (error) => (message = error?.message))
  return message
}

describe('password policy', () => {
  it('needs 8 characters and 3 of the 4 classes', () => {
    expect(checkPassword('Anping@2024').ok).toBe(true)
    expect(checkPassword('anping2024!').ok).toBe(true) // lower + digit + symbol
    expect(checkPassword('ANPINGanping').ok).toBe(false) // two classes
    expect(checkPassword('Ab1!').ok).toBe(false) // too short
    expect(checkPassword('Ab1!').classes).toBe(4)
  })

  it('explains the failure in Chinese', () => {
    expect(validate('')).toBe('请输入密码')
    expect(validate('Ab1!')).toBe('密码至少 8 位')
    expect(validate('abcdefgh1')).toBe('需包含大写字母、小写字母、数字、符号中的至少 3 类')
    expect(validate('Abcdefg1')).toBeUndefined()
  })
})
