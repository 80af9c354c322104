import { describe, expect, it } from 'vitest'
import { buildLabelIndex, codeLabel, codeLabels, codeOptions } from './reference'

const index = buildLabelIndex([
  { category: 'evaluation_kind', code: 'pre', label: '安全预评价', description: null },
  { category: 'evaluation_kind', code: 'status', label: '安全现状评价', description: null },
  { category: 'enterprise_activity', code: 'production', label: '生产', description: null },
  { category: 'enterprise_activity', code: 'storage', label: '储存', description: null },
])

describe('code → label mapping', () => {
  it('maps a known code to its Chinese label', () => {
    expect(codeLabel(index, 'evaluation_kind', 'status')).toBe('安全现状评价')
  })

  it('shows an unknown code as it is and an empty one as a dash', () => {
    expect(codeLabel(index, 'evaluation_kind', 'mystery')).toBe('mystery')
    expect(codeLabel(index, 'certificate_kind', 'other')).toBe('other') // category not loaded
    expect(codeLabel(index, 'evaluation_kind', null)).toBe('—')
    expect(codeLabel(index, 'evaluation_kind', '')).toBe('—')
  })

  it('joins several codes in the given order', () => {
    expect(codeLabels(index, 'enterprise_activity', ['storage', 'production'])).toBe('储存、生产')
    expect(codeLabels(index, 'enterprise_activity', [])).toBe('—')
  })

  it('lists the options of a category in the backend order', () => {
    expect(codeOptions(index, 'evaluation_kind').map((o) => o.label)).toEqual(['安全预评价', '安全现状评价'])
    expect(codeOptions(index, 'business_scope')).toEqual([])
  })
})
