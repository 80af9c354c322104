import { describe, expect, it } from 'vitest'
import { hasZipListing, listingRows, truncationNote, zipSummary } from './zip'

describe('zip listings', () => {
  it('splits each entry into its folder and its name', () => {
    const rows = listingRows([
      { name: '01合同/', size: 0, is_dir: true },
      { name: '01合同/评价合同.pdf', size: 1536, is_dir: false },
      { name: '说明.txt', size: 10, is_dir: false },
    ])
    expect(rows.map(({ folder, name, isDir }) => [folder, name, isDir])).toEqual([
      ['', '01合同', true],
      ['01合同/', '评价合同.pdf', false],
      ['', '说明.txt', false],
    ])
    expect(new Set(rows.map((r) => r.key)).size).toBe(3)
  })

  it('summarises and says when the server cut the listing short', () => {
    expect(zipSummary({ zip_entries: 4, zip_uncompressed_size: 3 * 1024 * 1024 })).toBe('4 个条目 · 解压后 3 MB')
    expect(zipSummary({ zip_entries: 2, zip_uncompressed_size: null })).toBe('2 个条目')
    const listing = Array.from({ length: 500 }, (_, i) => ({ name: `f${i}.pdf`, size: 1, is_dir: false }))
    expect(truncationNote({ zip_entries: 812, zip_listing: listing, zip_listing_truncated: true })).toBe('仅列出前 500 项，共 812 项')
    expect(truncationNote({ zip_entries: 2, zip_listing: listing.slice(0, 2), zip_listing_truncated: false })).toBeNull()
  })

  it('offers a listing for zips only', () => {
    expect(hasZipListing({ kind: 'zip', zip_entries: 3, zip_uncompressed_size: 10 })).toBe(true)
    expect(hasZipListing({ kind: 'zip', zip_entries: null, zip_uncompressed_size: null })).toBe(false)
    expect(hasZipListing({ kind: 'pdf', zip_entries: null, zip_uncompressed_size: null })).toBe(false)
  })
})
