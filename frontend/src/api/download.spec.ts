import { describe, expect, it } from 'vitest'
import { filenameFromContentDisposition } from './download'

describe('filenameFromContentDisposition', () => {
  it('prefers the UTF-8 filename* over the ASCII fallback', () => {
    const header =
      "attachment; filename=\"export.xlsx\"; filename*=UTF-8''%E9%99%84%E4%BB%B61_%E5%AE%89%E5%85%A8%E8%AF%84%E4%BB%B7%E9%A1%B9%E7%9B%AE_20261130.xlsx"
    expect(filenameFromContentDisposition(header)).toBe('附件1_安全评价项目_20261130.xlsx')
  })

  it('falls back to the plain filename', () => {
    expect(filenameFromContentDisposition('attachment; filename="export.xlsx"')).toBe('export.xlsx')
    expect(filenameFromContentDisposition('attachment; filename=report.xlsx')).toBe('report.xlsx')
  })

  it('gives null without a usable header', () => {
    expect(filenameFromContentDisposition(null)).toBeNull()
    expect(filenameFromContentDisposition('inline')).toBeNull()
  })
})
