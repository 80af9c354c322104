import { ElMessage } from 'element-plus'
import { ref, shallowRef, watch, type Ref } from 'vue'
import { errorMessage } from '@/api/problem'

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface PagedList<T> {
  items: Ref<T[]>
  total: Ref<number>
  page: Ref<number>
  pageSize: Ref<number>
  loading: Ref<boolean>
  load: () => Promise<void>
}

/**
 * A server-paged list: reloads on page changes, and goes back to page 1 when the filters change.
 * `fetchPage` receives the current page and page size and returns the backend's page envelope.
 */
export function usePagedList<T>(
  fetchPage: (paging: { page: number; page_size: number }) => Promise<Page<T>>,
  filters?: () => unknown,
  options: { pageSize?: number } = {},
): PagedList<T> {
  const items = shallowRef<T[]>([]) as Ref<T[]>
  const total = ref(0)
  const page = ref(1)
  const pageSize = ref(options.pageSize ?? 20)
  const loading = ref(false)
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const result = await fetchPage({ page: page.value, page_size: pageSize.value })
      if (mine !== generation) return // a newer request superseded this one
      items.value = result.items
      total.value = result.total
      // The last page may have emptied (after a delete); step back to a page that exists.
      if (result.items.length === 0 && result.total > 0 && page.value > 1) {
        page.value = Math.max(1, Math.ceil(result.total / pageSize.value))
      }
    } catch (error) {
      if (mine === generation) ElMessage.error(errorMessage(error))
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  watch([page, pageSize], () => void load())
  if (filters) {
    watch(
      filters,
      () => {
        if (page.value !== 1) page.value = 1 // the page watcher reloads
        else void load()
      },
      { deep: true },
    )
  }

  return { items, total, page, pageSize, loading, load }
}
