/** The backend's password policy, mirrored so the form can explain it while the user types. */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MIN_CLASSES = 3
export const PASSWORD_POLICY_TEXT = '密码至少 8 位，且包含大写字母、小写字母、数字、符号中的至少 3 类'

export interface PasswordCheck {
  length: boolean
  upper: boolean
  lower: boolean
  digit: boolean
  symbol: boolean
  classes: number
  ok: boolean
}

export function checkPassword(password: string): PasswordCheck {
  const upper = /[A-Z]/.test(password)
  const lower = /[a-z]/.test(password)
  const digit = /[0-9]/.test(password)
  const symbol = /[^A-Za-z0-9\s]/.test(password)
  const classes = [upper, lower, digit, symbol].filter(Boolean).length
  const length = [...password].length >= PASSWORD_MIN_LENGTH
  return { length, upper, lower, digit, symbol, classes, ok: length && classes >= PASSWORD_MIN_CLASSES }
}

/** Element Plus form-rule validator. */
export function validatePasswordPolicy(_rule: unknown, value: string, callback: (error?: Error) => void): void {
  if (!value) return callback(new Error('请输入密码'))
  const check = checkPassword(value)
  if (!check.length) return callback(new Error(`密码至少 ${PASSWORD_MIN_LENGTH} 位`))
  if (check.classes < PASSWORD_MIN_CLASSES) return callback(new Error('需包含大写字母、小写字母、数字、符号中的至少 3 类'))
  callback()
}
