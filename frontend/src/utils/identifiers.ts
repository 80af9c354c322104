/**
 * Chinese identifiers with check characters, checked as the user types with the same rules and messages as the
 * backend (backend/core/identifiers.py): the unified social credit code (GB 32100-2015) and the resident ID-card
 * number (GB 11643-1999). Each `…Problem` returns the Chinese reason a value is wrong, or null when it is valid.
 */

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const USCC_PATTERN = /^[0-9ABCDEFGHJKLMNPQRTUWXY]{18}$/

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'
const ID_PATTERN = /^\d{17}[\dX]$/

export const CREDIT_CODE_CHECK_MESSAGE = '统一社会信用代码校验位不正确，请核对'
export const ID_NUMBER_CHECK_MESSAGE = '身份证号校验位不正确，请核对'

/** The 18th character of a credit code whose first 17 characters are given. */
export function creditCodeCheckChar(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return USCC_CHARSET[(31 - (total % 31)) % 31]
}

export function normalizeCode(value: string): string {
  return value.trim().toUpperCase()
}

export function creditCodeProblem(value: string): string | null {
  const code = normalizeCode(value)
  if (code.length !== 18) return '统一社会信用代码应为 18 位'
  if (!USCC_PATTERN.test(code)) return '统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）'
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return CREDIT_CODE_CHECK_MESSAGE
  return null
}

export function idNumberCheckChar(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[total % 11]
}

export function idNumberProblem(value: string, today: Date = new Date()): string | null {
  const number = normalizeCode(value)
  if (!ID_PATTERN.test(number)) return '身份证号应为 18 位，前 17 位为数字，末位为数字或 X'
  const year = Number(number.slice(6, 10))
  const month = Number(number.slice(10, 12))
  const day = Number(number.slice(12, 14))
  const born = new Date(year, month - 1, day)
  const real = born.getFullYear() === year && born.getMonth() === month - 1 && born.getDate() === day
  if (!real || year < 1900 || born.getTime() > today.getTime()) return '身份证号中的出生日期无效'
  if (idNumberCheckChar(number.slice(0, 17)) !== number[17]) return ID_NUMBER_CHECK_MESSAGE
  return null
}

type Callback = (error?: Error) => void

/** Element Plus form-rule validators; an empty value passes (pair them with a `required` rule). */
export function validateCreditCode(_rule: unknown, value: string | null | undefined, callback: Callback): void {
  const problem = value ? creditCodeProblem(value) : null
  callback(problem ? new Error(problem) : undefined)
}

export function validateIdNumber(_rule: unknown, value: string | null | undefined, callback: Callback): void {
  const problem = value ? idNumberProblem(value) : null
  callback(problem ? new Error(problem) : undefined)
}
