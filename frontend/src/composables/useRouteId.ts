/** A numeric route id (`/agencies/:id`), or null when the segment is not a positive integer. */
export function parseId(value: unknown): number | null {
  const text = Array.isArray(value) ? value[0] : value
  if (typeof text === 'number') return Number.isInteger(text) && text > 0 ? text : null
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return null
  const id = Number(text)
  return id > 0 ? id : null
}
