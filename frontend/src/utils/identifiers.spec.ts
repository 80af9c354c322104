import { describe, expect, it } from 'vitest'
import {
  CREDIT_CODE_CHECK_MESSAGE,
  creditCodeCheckChar,
  creditCodeProblem,
  ID_NUMBER_CHECK_MESSAGE,
  idNumberProblem,
  validateCreditCode,
  validateIdNumber,
} from './identifiers'

function run(validator: typeof validateCreditCode, value: string): string | undefined {
  let message: string | undefined
  validator(null, value, (error) => (message = error?.message))
  return message
}

describe('unified social credit code (GB 32100)', () => {
  it('accepts a code with the right check character', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull()
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3')
    // lower case and surrounding spaces are what people paste
    expect(creditCodeProblem(' 91350100m000100y43 ')).toBeNull()
  })

  it('rejects a wrong check character with the message the backend uses', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe(CREDIT_CODE_CHECK_MESSAGE)
    expect(CREDIT_CODE_CHECK_MESSAGE).toBe('统一社会信用代码校验位不正确，请核对')
  })

  it('explains length and alphabet problems', () => {
    expect(creditCodeProblem('9135010')).toBe('统一社会信用代码应为 18 位')
    expect(creditCodeProblem('91350100M000100YI3')).toMatch(/无效字符/)
  })

  it('works as an Element Plus validator (empty passes, required is a separate rule)', () => {
    expect(run(validateCreditCode, '')).toBeUndefined()
    expect(run(validateCreditCode, '91350100M000100Y43')).toBeUndefined()
    expect(run(validateCreditCode, '91350100M000100Y44')).toBe(CREDIT_CODE_CHECK_MESSAGE)
  })
})

describe('resident ID number (GB 11643)', () => {
  it('accepts a number with the right check digit, including X', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull()
    expect(idNumberProblem('11010519491231002x')).toBeNull()
  })

  it('rejects a wrong check digit', () => {
    expect(idNumberProblem('110105194912310021')).toBe(ID_NUMBER_CHECK_MESSAGE)
  })

  it('rejects a wrong length or an impossible birth date', () => {
    expect(idNumberProblem('11010519491231002')).toMatch(/应为 18 位/)
    expect(idNumberProblem('110105194902301234')).toBe('身份证号中的出生日期无效') // 30 February
    expect(idNumberProblem('110105209912310021', new Date(2026, 0, 1))).toBe('身份证号中的出生日期无效') // born in the future
  })

  it('works as an Element Plus validator', () => {
    expect(run(validateIdNumber, '')).toBeUndefined()
    expect(run(validateIdNumber, '110105194912310021')).toBe(ID_NUMBER_CHECK_MESSAGE)
  })
})
