import { ElMessage } from 'element-plus'
import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { api, unwrap } from '@/api/client'
import { errorMessage } from '@/api/problem'
import type { OrganizationRow } from '@/api/types'
import { useSessionStore } from '@/stores/session'
import {
  buildLabelIndex,
  codeLabel,
  codeLabels,
  codeOptions,
  type CodeOption,
  type LabelIndex,
  type ReferenceCategory,
} from '@/utils/reference'

/**
 * Reference data loaded once per session and shared by every page: the code lists (select options and
 * code → Chinese label) and the counties in the user's scope (the city sees all nine, a county itself).
 */
export const useReferenceStore = defineStore('reference', () => {
  const index = shallowRef<LabelIndex>(new Map())
  const counties = shallowRef<OrganizationRow[]>([])
  let codesLoading: Promise<void> | null = null
  let countiesLoading: Promise<void> | null = null
  /** The counties depend on who is signed in (scope); they are reloaded when the user changes. */
  let countiesFor: number | null = null

  /** Loads the code lists once; later calls share the first request (a failure allows a retry). */
  function ensureCodes(): Promise<void> {
    codesLoading ??= unwrap(api.GET('/api/v1/reference-codes'))
      .then((page) => {
        index.value = buildLabelIndex(page.items)
      })
      .catch((error: unknown) => {
        codesLoading = null
        throw error
      })
    return codesLoading
  }

  function ensureCounties(): Promise<void> {
    const userId = useSessionStore().me?.id ?? null
    if (countiesFor !== userId) {
      countiesLoading = null
      counties.value = []
      countiesFor = userId
    }
    countiesLoading ??= unwrap(
      api.GET('/api/v1/organizations', { params: { query: { kind: 'county', page_size: 200, sort: 'division_code' } } }),
    )
      .then((page) => {
        counties.value = page.items
      })
      .catch((error: unknown) => {
        countiesLoading = null
        throw error
      })
    return countiesLoading
  }

  function label(category: ReferenceCategory, code: string | null | undefined): string {
    return codeLabel(index.value, category, code)
  }

  function labels(category: ReferenceCategory, codes: readonly string[] | null | undefined): string {
    return codeLabels(index.value, category, codes)
  }

  function options(category: ReferenceCategory): CodeOption[] {
    return codeOptions(index.value, category)
  }

  return { index, counties, ensureCodes, ensureCounties, label, labels, options }
})

/** The reference store, with the code lists (and optionally the counties) loading in the background. */
export function useReferenceData(options: { counties?: boolean } = {}) {
  const store = useReferenceStore()
  const complain = (error: unknown) => ElMessage.error(errorMessage(error))
  store.ensureCodes().catch(complain)
  if (options.counties) store.ensureCounties().catch(complain)
  return store
}
