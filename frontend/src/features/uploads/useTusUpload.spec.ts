import type { PreviousUpload } from 'tus-js-client'
import { describe, expect, it } from 'vitest'
import { fileFromResponse, latestPreviousUpload, REFUSED_FALLBACK, resumePlan, uploadIdFromUrl } from './useTusUpload'

const previous = (uploadUrl: string | null, creationTime: string): PreviousUpload => ({
  size: 10,
  metadata: { filename: 'a.pdf', sha256: 'ab' },
  creationTime,
  urlStorageKey: `tus::fp::${creationTime}`,
  uploadUrl,
  parallelUploadUrls: null,
})

const headers = (values: Record<string, string>) => ({ getHeader: (name: string) => values[name] })

describe('resuming and completing uploads', () => {
  it('resumes the most recent upload tus remembers for the file', () => {
    const older = previous('http://x/api/v1/uploads/1', 'Mon Nov 30 2026 08:00:00 GMT+0800')
    const newer = previous('http://x/api/v1/uploads/2', 'Mon Nov 30 2026 09:00:00 GMT+0800')
    expect(latestPreviousUpload([older, newer])).toBe(newer)
    expect(latestPreviousUpload([previous(null, 'Mon Nov 30 2026 10:00:00 GMT+0800'), older])).toBe(older)
    expect(latestPreviousUpload([])).toBeNull()
  })

  it('finds the upload id in a tus URL', () => {
    expect(uploadIdFromUrl('http://127.0.0.1:5173/api/v1/uploads/0123456789ABCDEF0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef')
    expect(uploadIdFromUrl('/api/v1/uploads/0123456789abcdef0123456789abcdef/')).toBe('0123456789abcdef0123456789abcdef')
    expect(uploadIdFromUrl('/api/v1/uploads/nope')).toBeNull()
    expect(uploadIdFromUrl(null)).toBeNull()
  })

  it('reads the stored file from the completing PATCH', () => {
    const sha = 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'
    expect(fileFromResponse(headers({ 'Anping-File-Id': '42', 'Anping-File-Sha256': sha }))).toEqual({ fileId: 42, sha256: sha.toLowerCase() })
    expect(fileFromResponse(headers({ 'Anping-File-Id': '42' }))).toEqual({ fileId: 42, sha256: null })
    // A HEAD that found the upload already complete has no file headers: the caller asks the server.
    expect(fileFromResponse(headers({ 'Upload-Offset': '10' }))).toBeNull()
    expect(fileFromResponse(headers({ 'Anping-File-Id': 'x1' }))).toBeNull()
  })
})

describe('what to do with an upload tus remembers', () => {
  const status = (value: 'receiving' | 'complete' | 'rejected', extra: { rejected_reason?: string | null; file?: { id: number; sha256: string } | null } = {}) => ({
    status: value,
    rejected_reason: extra.rejected_reason ?? null,
    file: (extra.file ?? null) as never,
  })

  it('continues an upload the server is still receiving', () => {
    expect(resumePlan(200, status('receiving'))).toEqual({ kind: 'resume' })
  })

  it("shows the server's reason for refused content without sending anything", () => {
    const reason = '文件校验值与声明的 SHA-256 不一致，请重新上传'
    expect(resumePlan(200, status('rejected', { rejected_reason: reason }))).toEqual({ kind: 'refused', reason })
    expect(resumePlan(200, status('rejected', { rejected_reason: '  ' }))).toEqual({ kind: 'refused', reason: REFUSED_FALLBACK })
  })

  it('takes the stored file of a complete upload', () => {
    expect(resumePlan(200, status('complete', { file: { id: 7, sha256: 'ab' } }))).toEqual({ kind: 'stored', fileId: 7, sha256: 'ab' })
    // Complete without a file is not something to trust: tus asks the offset and `complete` decides.
    expect(resumePlan(200, status('complete'))).toEqual({ kind: 'resume' })
  })

  it('starts over when the upload is gone, and lets tus ask when the server could not be', () => {
    expect(resumePlan(404, null)).toEqual({ kind: 'restart' })
    expect(resumePlan(0, null)).toEqual({ kind: 'resume' })
    expect(resumePlan(503, null)).toEqual({ kind: 'resume' })
  })
})
