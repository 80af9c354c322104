import { ElMessage } from 'element-plus'
import { reactive, watch } from 'vue'
import { ApiError, errorMessage } from '@/api/problem'

/**
 * The form field a problem+json `errors[].field` names: `credit_code`, `body.credit_code` or `members.0.name`
 * all land on the first segment that is one of the form's fields.
 */
export function fieldOfError(field: string, known: readonly string[]): string | null {
  for (const part of field.split('.')) if (known.includes(part)) return part
  return null
}

/**
 * Server-side field errors shown on the `el-form-item` they name (bind `:error="serverErrors.<field>"`).
 * An error disappears as soon as its field is edited.
 */
export function useServerErrors<F extends object>(form: F, fields: readonly (keyof F & string)[]) {
  type Key = keyof F & string
  const serverErrors = reactive<Record<string, string>>(Object.fromEntries(fields.map((key) => [key, ''])))

  function clear(field?: Key): void {
    for (const key of field ? [field] : fields) serverErrors[key] = ''
  }
  for (const key of fields) watch(() => form[key], () => clear(key), { deep: true })

  /** Places the errors on their fields and tells the user; returns true when at least one field was named. */
  function report(error: unknown): boolean {
    clear()
    let placed = false
    if (error instanceof ApiError) {
      for (const item of error.fieldErrors) {
        const key = fieldOfError(item.field, fields) as Key | null
        if (!key) continue
        serverErrors[key] = serverErrors[key] ? `${serverErrors[key]}；${item.message}` : item.message
        placed = true
      }
    }
    if (placed && error instanceof ApiError && error.fieldErrors.every((e) => fieldOfError(e.field, fields))) {
      ElMessage.error('提交的内容有误，请按标红处的提示修改')
    } else {
      ElMessage.error(errorMessage(error))
    }
    return placed
  }

  return { serverErrors, report, clear }
}
