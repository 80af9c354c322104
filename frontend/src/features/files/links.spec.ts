import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/problem'
import type { FileLink } from '@/api/types'
import { absoluteUrl, canPreview, downloadStoredFile, previewStoredFile, startDownload, type FileLinkDeps } from './links'

const FILE = { id: 12, name: '过程控制档案-完整影像.zip' }
const signed = (inline = false): FileLink => ({
  url: `/api/v1/files/12/download?token=eyJ.abc.def${inline ? '&inline=true' : ''}`,
  expires_at: '2026-11-30T08:05:00Z',
})

/** Records the anchors clicked in the document: what the browser was asked to download. */
function watchClicks(doc: Document): { href: string; download: string; attached: boolean }[] {
  const clicks: { href: string; download: string; attached: boolean }[] = []
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicks.push({ href: this.getAttribute('href') ?? '', download: this.download, attached: doc.body.contains(this) })
  })
  return clicks
}

function fakeTab() {
  const replaced: string[] = []
  const tab = {
    opener: {} as unknown,
    closed: false,
    document: { title: '', body: { textContent: '' } },
    location: { replace: (url: string) => void replaced.push(url) },
    close() {
      this.closed = true
    },
  }
  return { tab, replaced }
}

function deps(overrides: Partial<FileLinkDeps> = {}): FileLinkDeps {
  return {
    createLink: vi.fn(async (_id: number, options: { inline?: boolean }) => signed(!!options.inline)),
    openWindow: vi.fn(() => null),
    document,
    ...overrides,
  }
}

describe('downloads through signed links', () => {
  it('clicks an <a download> pointing at the link, so the browser streams the file to disk', async () => {
    const clicks = watchClicks(document)
    const d = deps()
    const link = await downloadStoredFile(FILE, d)
    expect(d.createLink).toHaveBeenCalledWith(12, {})
    expect(link.url).toContain('/download?token=')
    expect(clicks).toEqual([{ href: link.url, download: FILE.name, attached: true }])
    expect(document.querySelectorAll('a[download]').length).toBe(0) // the anchor is removed again
  })

  it('starts nothing when the link is refused', async () => {
    const clicks = watchClicks(document)
    const refused = new ApiError(404, '文件不存在或您无权查看')
    await expect(downloadStoredFile(FILE, deps({ createLink: vi.fn(async () => Promise.reject(refused)) }))).rejects.toBe(refused)
    expect(clicks).toEqual([])
  })

  it('startDownload works with any address', () => {
    const clicks = watchClicks(document)
    startDownload('/api/v1/files/3/download?token=x', '评价报告.pdf')
    expect(clicks).toEqual([{ href: '/api/v1/files/3/download?token=x', download: '评价报告.pdf', attached: true }])
  })
})

describe('previews through signed inline links', () => {
  it('opens the tab first, then points it at the inline link', async () => {
    const { tab, replaced } = fakeTab()
    const d = deps({ openWindow: vi.fn(() => tab as unknown as Window) })
    await expect(previewStoredFile(FILE, d)).resolves.toBe('opened')
    expect(d.openWindow).toHaveBeenCalledWith('', '_blank')
    expect(d.createLink).toHaveBeenCalledWith(12, { inline: true })
    expect(replaced).toEqual([absoluteUrl(signed(true).url, document.baseURI)])
    expect(replaced[0]).toMatch(/^https?:\/\/.+\/api\/v1\/files\/12\/download\?token=.+&inline=true$/)
    expect(tab.opener).toBeNull()
    expect(tab.document.title).toBe(FILE.name)
  })

  it('downloads instead when pop-ups are blocked', async () => {
    const clicks = watchClicks(document)
    await expect(previewStoredFile(FILE, deps())).resolves.toBe('downloaded')
    expect(clicks).toHaveLength(1)
    expect(clicks[0].href).toContain('inline=true')
  })

  it('closes the tab again when the link is refused', async () => {
    const { tab, replaced } = fakeTab()
    const refused = new ApiError(403, '您没有执行此操作的权限')
    const d = deps({ openWindow: () => tab as unknown as Window, createLink: vi.fn(async () => Promise.reject(refused)) })
    await expect(previewStoredFile(FILE, d)).rejects.toBe(refused)
    expect(tab.closed).toBe(true)
    expect(replaced).toEqual([])
  })
})

describe('canPreview', () => {
  it('previews what a browser shows by itself', () => {
    expect(['pdf', 'png', 'jpeg', 'zip'].map(canPreview)).toEqual([true, true, true, false])
  })
})
