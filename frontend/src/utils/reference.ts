import type { ReferenceCode } from '@/api/types'

/** The reference-code categories the registry uses (`list_reference_codes?category=`). */
export type ReferenceCategory =
  | 'business_scope'
  | 'evaluation_kind'
  | 'certificate_kind'
  | 'enterprise_activity'
  | 'verification_platform'
  | 'contract_kind'
  | 'project_role'
  | 'finding_code'
  | 'qualification_criterion'

export interface CodeOption {
  value: string
  label: string
  description?: string | null
}

/** category → code → label; codes keep the backend's order (sort_order) within a category. */
export type LabelIndex = Map<string, Map<string, CodeOption>>

export function buildLabelIndex(items: readonly Pick<ReferenceCode, 'category' | 'code' | 'label' | 'description'>[]): LabelIndex {
  const index: LabelIndex = new Map()
  for (const item of items) {
    let category = index.get(item.category)
    if (!category) index.set(item.category, (category = new Map()))
    category.set(item.code, { value: item.code, label: item.label, description: item.description })
  }
  return index
}

/** The Chinese label of a code; an unknown code is shown as it is, an empty one as '—'. */
export function codeLabel(index: LabelIndex, category: ReferenceCategory, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—'
  return index.get(category)?.get(code)?.label ?? code
}

/** Several codes (business scopes, activities) as one line, in the order given. */
export function codeLabels(index: LabelIndex, category: ReferenceCategory, codes: readonly string[] | null | undefined): string {
  if (!codes || codes.length === 0) return '—'
  return codes.map((code) => codeLabel(index, category, code)).join('、')
}

export function codeOptions(index: LabelIndex, category: ReferenceCategory): CodeOption[] {
  return [...(index.get(category)?.values() ?? [])]
}
