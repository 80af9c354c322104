import { createSHA256 } from 'hash-wasm'

/** How much of a file is read into memory at a time while hashing it. */
export const HASH_SLICE_BYTES = 8 * 1024 * 1024

/** The part of hash-wasm's `IHasher` used here (so tests can count what is fed to it). */
export interface IncrementalHasher {
  init(): unknown
  update(data: Uint8Array): unknown
  digest(outputType: 'hex'): string
}

export interface HashOptions {
  sliceSize?: number
  /** Called after each slice with the bytes hashed so far. */
  onProgress?: (hashed: number, total: number) => void
  /** Stops between two slices with an `AbortError`. */
  signal?: AbortSignal
  createHasher?: () => Promise<IncrementalHasher>
}

function abortError(): DOMException {
  return new DOMException('hashing cancelled', 'AbortError')
}

/**
 * The SHA-256 (lowercase hex) of a file, read slice by slice so that a 2 GB archive never sits in memory whole;
 * the server compares it with what it received (Upload-Metadata `sha256`) and refuses the file on a mismatch.
 */
export async function sha256OfBlob(blob: Blob, options: HashOptions = {}): Promise<string> {
  const sliceSize = Math.max(1, Math.floor(options.sliceSize ?? HASH_SLICE_BYTES))
  const hasher = await (options.createHasher ?? createSHA256)()
  hasher.init()
  const total = blob.size
  for (let start = 0; start < total; start += sliceSize) {
    if (options.signal?.aborted) throw abortError()
    const end = Math.min(start + sliceSize, total)
    hasher.update(new Uint8Array(await blob.slice(start, end).arrayBuffer()))
    options.onProgress?.(end, total)
  }
  if (options.signal?.aborted) throw abortError()
  if (total === 0) options.onProgress?.(0, 0)
  return hasher.digest('hex')
}
