import { ElMessage } from 'element-plus'
import { ref, type Ref } from 'vue'
import { errorMessage } from '@/api/problem'

/** Runs an export (a function resolving to the saved file name), with a busy flag and a Chinese message. */
export function useDownload(): { busy: Ref<boolean>; run: (task: () => Promise<string>) => Promise<void> } {
  const busy = ref(false)
  async function run(task: () => Promise<string>): Promise<void> {
    if (busy.value) return
    busy.value = true
    try {
      const name = await task()
      ElMessage.success(`已导出：${name}`)
    } catch (error) {
      ElMessage.error(errorMessage(error))
    } finally {
      busy.value = false
    }
  }
  return { busy, run }
}
