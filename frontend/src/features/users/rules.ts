import type { FormItemRule } from 'element-plus'

/** Validation run while typing ('change' fires on every input in Element Plus). */
const live = ['change', 'blur'] as const

export const usernameRules: FormItemRule[] = [
  { required: true, whitespace: true, message: '请输入用户名', trigger: [...live] },
  {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/,
    message: '3–64 位，由字母、数字、点、下划线或连字符组成，以字母或数字开头',
    trigger: [...live],
  },
]

export const fullNameRules: FormItemRule[] = [
  { required: true, whitespace: true, message: '请输入姓名', trigger: [...live] },
  { max: 64, message: '姓名不超过 64 个字', trigger: [...live] },
]

export const phoneRules: FormItemRule[] = [
  {
    pattern: /^(1\d{10}|0\d{2,3}-?\d{7,8})$/,
    message: '请输入 11 位手机号或带区号的固定电话',
    trigger: [...live],
  },
]

export const emailRules: FormItemRule[] = [{ type: 'email', message: '邮箱格式不正确', trigger: [...live] }]
