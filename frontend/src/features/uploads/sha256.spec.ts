// @vitest-environment node
import { createSHA256 } from 'hash-wasm'
import { describe, expect, it } from 'vitest'
import { sha256OfBlob, type IncrementalHasher } from './sha256'

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')

function bytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  let x = 2463534242
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** A hasher that records the size of every piece it is fed. */
function recording(): { fed: number[]; create: () => Promise<IncrementalHasher> } {
  const fed: number[] = []
  return {
    fed,
    create: async () => {
      const inner = await createSHA256()
      return {
        init: () => inner.init(),
        update: (data: Uint8Array) => {
          fed.push(data.byteLength)
          inner.update(data)
        },
        digest: (type: 'hex') => inner.digest(type),
      }
    },
  }
}

describe('sha256OfBlob', () => {
  it('hashes a file slice by slice to the same digest as hashing it whole', async () => {
    const data = bytes(1_000_003) // not a multiple of the slice size
    const expected = hex(await crypto.subtle.digest('SHA-256', data))
    const hasher = recording()
    const progress: number[] = []
    const digest = await sha256OfBlob(new Blob([data]), {
      sliceSize: 65_536,
      createHasher: hasher.create,
      onProgress: (done) => progress.push(done),
    })
    expect(digest).toBe(expected)
    // Never more than one slice in memory: 15 full slices and the 17 539-byte rest.
    expect(hasher.fed).toHaveLength(16)
    expect(Math.max(...hasher.fed)).toBe(65_536)
    expect(hasher.fed.at(-1)).toBe(1_000_003 - 15 * 65_536)
    expect(progress.at(-1)).toBe(1_000_003)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('gives the known digest of an empty file and of "abc"', async () => {
    expect(await sha256OfBlob(new Blob([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(await sha256OfBlob(new Blob(['abc']), { sliceSize: 1 })).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('stops between slices when cancelled', async () => {
    const controller = new AbortController()
    const hasher = recording()
    const hashing = sha256OfBlob(new Blob([bytes(10_000)]), {
      sliceSize: 1000,
      signal: controller.signal,
      createHasher: hasher.create,
      onProgress: (done) => {
        if (done >= 3000) controller.abort()
      },
    })
    await expect(hashing).rejects.toMatchObject({ name: 'AbortError' })
    expect(hasher.fed).toHaveLength(3)
  })
})
