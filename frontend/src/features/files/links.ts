import type { FileKind, FileLink, FileRead } from '@/api/types'
import { createFileLink } from './api'

/**
 * Downloads and previews of stored files go through signed links (`POST /files/<id>/link`), never through a
 * scripted fetch: the browser then streams even a 2 GB archive straight to disk (resumable, with the Chinese
 * name from `Content-Disposition`) instead of holding it in memory as a blob first.
 */
export interface FileLinkDeps {
  createLink: (fileId: number, options: { inline?: boolean }) => Promise<FileLink>
  openWindow: (url: string, target: string) => Window | null
  document: Document
}

const browserDeps = (): FileLinkDeps => ({
  createLink: createFileLink,
  openWindow: (url, target) => window.open(url, target),
  document,
})

/** What a browser can show by itself: PDFs and the two image types the server accepts. */
export function canPreview(kind: FileKind | string): boolean {
  return kind === 'pdf' || kind === 'png' || kind === 'jpeg'
}

/** The link's address made absolute (the server answers a path), for a tab whose own base is about:blank. */
export function absoluteUrl(url: string, base: string): string {
  return new URL(url, base).href
}

/** Hands an address to the browser as a download: a click on an `<a href download>`, streamed to disk. */
export function startDownload(url: string, filename: string, doc: Document = document): void {
  const link = doc.createElement('a')
  link.href = url
  // The server's Content-Disposition (filename*=UTF-8''…) names the file; this is only the fallback.
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  doc.body.appendChild(link)
  link.click()
  link.remove()
}

/** Downloads a stored file through a fresh signed link. Returns the link used. */
export async function downloadStoredFile(file: Pick<FileRead, 'id' | 'name'>, deps: FileLinkDeps = browserDeps()): Promise<FileLink> {
  const link = await deps.createLink(file.id, {})
  startDownload(link.url, file.name, deps.document)
  return link
}

/**
 * Opens a PDF or an image in a new tab through a signed inline link. The tab is opened before the link is
 * asked for (a tab opened after an `await` is taken for a pop-up and blocked); when pop-ups are refused the
 * file is downloaded instead of leaving the page.
 */
export async function previewStoredFile(
  file: Pick<FileRead, 'id' | 'name'>,
  deps: FileLinkDeps = browserDeps(),
): Promise<'opened' | 'downloaded'> {
  const tab = deps.openWindow('', '_blank')
  if (tab) {
    try {
      tab.document.title = file.name
      tab.document.body.textContent = '正在打开文件…'
    } catch {
      // a tab we cannot write to still takes the address
    }
  }
  try {
    const link = await deps.createLink(file.id, { inline: true })
    if (!tab) {
      startDownload(link.url, file.name, deps.document)
      return 'downloaded'
    }
    // The file does not need a handle on this page.
    tab.opener = null
    tab.location.replace(absoluteUrl(link.url, deps.document.baseURI))
    return 'opened'
  } catch (error) {
    tab?.close()
    throw error
  }
}
