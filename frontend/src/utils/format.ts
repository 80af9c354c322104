const pad = (n: number) => String(n).padStart(2, '0')

/** `2024-09-05 14:03` in the browser's time zone; empty input gives '—'. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** `14:03:27` in the browser's time zone (a save's time of day); an unreadable value is shown as given. */
export function formatTime(value: string): string {
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : String(value)
}

/** Renders an audit before/after value compactly. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'string') return value === '' ? '（空）' : value
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}

/** Today as `YYYY-MM-DD` in the browser's time zone (the date pickers' value format). */
export function todayString(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** A `YYYY-MM-DD` date as given, '—' when empty. */
export function formatDate(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : '—'
}

export function yesNo(value: boolean | null | undefined): string {
  return value === null || value === undefined ? '—' : value ? '是' : '否'
}

/** Trimmed text, or null for an empty input (optional API fields take null). */
export function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

/** A county bureau's name without the bureau: 海港区应急管理局 → 海港区. */
export function countyShort(name: string | null | undefined): string {
  return name ? name.replace(/应急管理局$/, '') : '—'
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/**
 * A byte count for people, in binary units as file managers show them: `512 B`, `1.5 KB`, `8 MB`, `2.3 GB`
 * (one decimal below 100, none above; a trailing `.0` is dropped).
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  if (unit === 0) return `${Math.round(value)} B`
  // Rounding may carry into the next unit (1023.96 KB → "1024 KB"); step up instead.
  if (value >= 1023.95 && unit < BYTE_UNITS.length - 1) return `1 ${BYTE_UNITS[unit + 1]}`
  const text = value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '')
  return `${text} ${BYTE_UNITS[unit]}`
}
