import { ElMessage } from 'element-plus'
import { ref, type Ref } from 'vue'
import { errorMessage } from '@/api/problem'
import type { FileRead } from '@/api/types'
import { downloadStoredFile, previewStoredFile } from './links'

type LinkAction = 'download' | 'preview'

/**
 * 下载 / 预览 buttons of a page's stored files: one link at a time (a double tap does not open two tabs), with
 * the server's Chinese message when the link was refused.
 */
export function useFileLinks(): {
  busy: Ref<string | null>
  isBusy: (file: Pick<FileRead, 'id'>, action: LinkAction) => boolean
  download: (file: Pick<FileRead, 'id' | 'name'>) => Promise<void>
  preview: (file: Pick<FileRead, 'id' | 'name'>) => Promise<void>
} {
  const busy = ref<string | null>(null)
  const keyOf = (file: Pick<FileRead, 'id'>, action: LinkAction) => `${action}:${file.id}`

  async function run(file: Pick<FileRead, 'id' | 'name'>, action: LinkAction): Promise<void> {
    if (busy.value) return
    busy.value = keyOf(file, action)
    try {
      if (action === 'download') await downloadStoredFile(file)
      else if ((await previewStoredFile(file)) === 'downloaded') ElMessage.info('浏览器阻止了新窗口，已改为下载')
    } catch (error) {
      ElMessage.error(errorMessage(error))
    } finally {
      busy.value = null
    }
  }

  return {
    busy,
    isBusy: (file, action) => busy.value === keyOf(file, action),
    download: (file) => run(file, 'download'),
    preview: (file) => run(file, 'preview'),
  }
}
