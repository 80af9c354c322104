import type { FileRead, ZipEntry } from '@/api/types'
import { formatBytes } from '@/utils/format'

/** One line of a zip's directory as the listing shows it: the folder part muted, the name itself plain. */
export interface ListingRow {
  key: string
  folder: string
  name: string
  isDir: boolean
  size: number
}

/** `01合同/评价合同.pdf` → folder `01合同/`, name `评价合同.pdf`; a directory keeps its own name (`02现场勘验`). */
export function listingRows(entries: readonly ZipEntry[]): ListingRow[] {
  return entries.map((entry, index) => {
    const path = entry.name.replace(/\/+$/, '')
    const cut = path.lastIndexOf('/')
    return {
      key: `${index}:${entry.name}`,
      folder: cut >= 0 ? path.slice(0, cut + 1) : '',
      name: cut >= 0 ? path.slice(cut + 1) : path,
      isDir: entry.is_dir,
      size: entry.size,
    }
  })
}

type ZipFacts = Pick<FileRead, 'zip_entries' | 'zip_uncompressed_size'>

/** Whether a stored file is a zip whose directory the server read (`zip_entries` is set for zips only). */
export function hasZipListing(file: Pick<FileRead, 'kind'> & ZipFacts): boolean {
  return file.kind === 'zip' && file.zip_entries !== null && file.zip_entries !== undefined
}

/** `12 个条目 · 解压后 3.4 MB`. */
export function zipSummary(file: ZipFacts): string {
  const parts = [`${file.zip_entries ?? 0} 个条目`]
  if (file.zip_uncompressed_size !== null && file.zip_uncompressed_size !== undefined) parts.push(`解压后 ${formatBytes(file.zip_uncompressed_size)}`)
  return parts.join(' · ')
}

/** Said under a listing the server cut short (it lists the first 500 entries). */
export function truncationNote(file: Pick<FileRead, 'zip_entries' | 'zip_listing' | 'zip_listing_truncated'>): string | null {
  if (!file.zip_listing_truncated) return null
  return `仅列出前 ${file.zip_listing?.length ?? 0} 项，共 ${file.zip_entries ?? '—'} 项`
}
