import { computed, onBeforeUnmount, ref, shallowRef, type ComputedRef, type Ref } from 'vue'
import { defaultOptions, Upload, type HttpResponse, type PreviousUpload, type UrlStorage } from 'tus-js-client'
import type { AuthMiddlewareDeps } from '@/api/auth-middleware'
import { api, unwrap } from '@/api/client'
import { ApiError } from '@/api/problem'
import { sessionAuth } from '@/api/setup'
import type { UploadStatus } from '@/api/types'
import { percentOf, resumeMessage, SpeedMeter } from './progress'
import { sha256OfBlob } from './sha256'
import { causeOf, createTusAuth, RETRY_DELAYS, UploadRefusedError, uploadErrorMessage } from './tus-auth'

export const UPLOAD_ENDPOINT = '/api/v1/uploads'
/** Bytes per PATCH: what a dropped connection can cost at most, and how often progress is acknowledged. */
export const CHUNK_SIZE = 8 * 1024 * 1024

export type UploadPhase = 'idle' | 'hashing' | 'uploading' | 'done' | 'failed' | 'cancelled'

/** A file the server has stored and checked: its id is what the domain endpoints take (`file_id`). */
export interface UploadedFile {
  fileId: number
  sha256: string
  name: string
  size: number
}

export interface TusUploadOptions {
  endpoint?: string
  chunkSize?: number
  retryDelays?: number[]
  urlStorage?: UrlStorage
  auth?: AuthMiddlewareDeps
}

/** The most recent of the uploads tus remembers for this file (several when it was picked in two tabs). */
export function latestPreviousUpload(previous: readonly PreviousUpload[]): PreviousUpload | null {
  const usable = previous.filter((p) => p.uploadUrl)
  if (usable.length === 0) return null
  return [...usable].sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime))[0]
}

/** The upload id at the end of a tus upload URL (`…/api/v1/uploads/<32 hex>`). */
export function uploadIdFromUrl(url: string | null | undefined): string | null {
  if (!url) return null
  const match = /\/uploads\/([0-9a-f]{32})\/?(?:[?#].*)?$/i.exec(url)
  return match ? match[1].toLowerCase() : null
}

/** The stored file's id and hash from the PATCH that completed the upload; null when the headers are absent. */
export function fileFromResponse(response: Pick<HttpResponse, 'getHeader'>): { fileId: number; sha256: string | null } | null {
  const raw = response.getHeader('Anping-File-Id')
  if (!raw || !/^\d+$/.test(raw.trim())) return null
  return { fileId: Number(raw.trim()), sha256: response.getHeader('Anping-File-Sha256')?.trim().toLowerCase() || null }
}

/** Said when the server refused an upload without giving a reason. */
export const REFUSED_FALLBACK = '文件内容不被接受，请检查后重新选择文件'

/** What to do with an upload tus remembers for the picked file, from the server's `GET /uploads/<id>`. */
export type ResumePlan =
  /** Still receiving (or the server could not be asked): continue from the offset tus's HEAD reports. */
  | { kind: 'resume' }
  /** Gone (expired, cancelled elsewhere): upload the file anew. */
  | { kind: 'restart' }
  /** Already complete and checked: the stored file, nothing to send. */
  | { kind: 'stored'; fileId: number; sha256: string }
  /** The content was refused: the server's reason, nothing to send. */
  | { kind: 'refused'; reason: string }

export function resumePlan(
  httpStatus: number,
  upload: Pick<UploadStatus, 'status' | 'rejected_reason' | 'file'> | null | undefined,
): ResumePlan {
  if (httpStatus === 404) return { kind: 'restart' }
  if (httpStatus !== 200 || !upload) return { kind: 'resume' }
  if (upload.status === 'rejected') return { kind: 'refused', reason: upload.rejected_reason?.trim() || REFUSED_FALLBACK }
  if (upload.status === 'complete' && upload.file) return { kind: 'stored', fileId: upload.file.id, sha256: upload.file.sha256 }
  return { kind: 'resume' }
}

/** The server's answer about one upload (its HTTP status 0 when there was none). */
async function uploadStatus(id: string): Promise<{ status: number; upload: UploadStatus | null }> {
  try {
    const result = await api.GET('/api/v1/uploads/{upload_id}', { params: { path: { upload_id: id } } })
    return { status: result.response.status, upload: result.data ?? null }
  } catch {
    return { status: 0, upload: null }
  }
}

/** Why the server refused an upload: its HEAD says only 410 (a HEAD has no body), `GET` says why. */
async function rejectedReason(uploadUrl: string): Promise<string> {
  const id = uploadIdFromUrl(uploadUrl)
  if (!id) return REFUSED_FALLBACK
  const { status, upload } = await uploadStatus(id)
  const plan = resumePlan(status, upload)
  return plan.kind === 'refused' ? plan.reason : REFUSED_FALLBACK
}

/**
 * One resumable upload at a time: SHA-256 of the file (in slices), then tus to `/api/v1/uploads` in 8 MiB PATCHes
 * with retries, reporting progress and speed. tus remembers each upload's URL in localStorage under the file's
 * fingerprint (name, type, size, modification time), so picking the same file again after a reload continues
 * from the server's offset; the declared SHA-256 is then taken from that record instead of hashing again
 * (the server verifies it over the whole file either way).
 */
export function useTusUpload(options: TusUploadOptions = {}): {
  phase: Ref<UploadPhase>
  file: Ref<File | null>
  hashed: Ref<number>
  sent: Ref<number>
  total: Ref<number>
  percent: ComputedRef<number>
  hashPercent: ComputedRef<number>
  speed: Ref<number | null>
  resumedFrom: Ref<number | null>
  resumeNote: ComputedRef<string | null>
  error: Ref<string | null>
  result: Ref<UploadedFile | null>
  busy: ComputedRef<boolean>
  start: (picked: File) => Promise<UploadedFile | null>
  cancel: () => Promise<void>
  reset: () => void
} {
  const endpoint = options.endpoint ?? UPLOAD_ENDPOINT
  const urlStorage = options.urlStorage ?? defaultOptions.urlStorage
  const phase = ref<UploadPhase>('idle')
  const file = shallowRef<File | null>(null)
  const hashed = ref(0)
  const sent = ref(0)
  const total = ref(0)
  const speed = ref<number | null>(null)
  const resumedFrom = ref<number | null>(null)
  const error = ref<string | null>(null)
  const result = shallowRef<UploadedFile | null>(null)
  const meter = new SpeedMeter()

  let current: Upload | null = null
  let hashing: AbortController | null = null
  let generation = 0
  // Resolves the pending start() when the upload is cancelled or the component goes away.
  let settle: ((value: UploadedFile | null) => void) | null = null

  const percent = computed(() => (phase.value === 'done' ? 100 : percentOf(sent.value, total.value)))
  const hashPercent = computed(() => percentOf(hashed.value, file.value?.size ?? 0))
  const resumeNote = computed(() => resumeMessage(resumedFrom.value))
  const busy = computed(() => phase.value === 'hashing' || phase.value === 'uploading')

  function reset(): void {
    generation += 1
    phase.value = 'idle'
    file.value = null
    hashed.value = 0
    sent.value = 0
    total.value = 0
    speed.value = null
    resumedFrom.value = null
    error.value = null
    result.value = null
    meter.reset()
  }

  /** Drops tus's record of this upload, so that the same file is uploaded anew next time. */
  async function forget(upload: Upload): Promise<void> {
    try {
      for (const previous of await upload.findPreviousUploads()) {
        if (previous.uploadUrl === upload.url) await urlStorage.removeUpload(previous.urlStorageKey)
      }
    } catch {
      // localStorage unavailable: nothing was remembered
    }
  }

  /**
   * When tus found every byte on the server (HEAD offset = length) but has no file id: the idempotent
   * `complete` returns the stored file (finishing the check if the last PATCH's answer was lost), or the reason
   * the content was refused (422, thrown with the server's detail).
   */
  async function completedFile(upload: Upload): Promise<{ fileId: number; sha256: string | null }> {
    const id = uploadIdFromUrl(upload.url)
    if (!id) throw new ApiError(0, '上传地址无效，请重新选择文件')
    const status = await unwrap(api.POST('/api/v1/uploads/{upload_id}/complete', { params: { path: { upload_id: id } } }))
    if (!status.file) throw new ApiError(409, '文件尚未保存，请重新选择文件继续上传')
    return { fileId: status.file.id, sha256: status.file.sha256 }
  }

  async function start(picked: File): Promise<UploadedFile | null> {
    if (busy.value) return null
    reset()
    const mine = generation
    file.value = picked
    total.value = picked.size
    phase.value = 'hashing'

    const hooks = createTusAuth(options.auth ?? sessionAuth())
    return new Promise<UploadedFile | null>((resolve) => {
      settle = resolve
      const fail = (message: string): void => {
        if (mine !== generation) return resolve(null)
        phase.value = 'failed'
        error.value = message
        speed.value = null
        resolve(null)
      }
      const finish = (stored: { fileId: number; sha256: string | null }, declared: string | null): void => {
        if (mine !== generation) return resolve(null)
        const done: UploadedFile = { fileId: stored.fileId, sha256: stored.sha256 ?? declared ?? '', name: picked.name, size: picked.size }
        hashed.value = picked.size
        sent.value = picked.size
        speed.value = null
        result.value = done
        phase.value = 'done'
        resolve(done)
      }

      const upload = new Upload(picked, {
        endpoint,
        chunkSize: options.chunkSize ?? CHUNK_SIZE,
        retryDelays: options.retryDelays ?? RETRY_DELAYS,
        urlStorage,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onBeforeRequest: hooks.onBeforeRequest,
        onShouldRetry: (err, attempt) => hooks.onShouldRetry(err, attempt),
        onAfterResponse: async (request, response) => {
          hooks.onAfterResponse(request, response)
          // tus asks HEAD for the offset whenever it continues an upload it already has a URL for.
          if (request.getMethod() !== 'HEAD' || mine !== generation) return
          if (response.getStatus() === 410) {
            // The content was refused (e.g. the last PATCH's 422 was lost and tus retried). Thrown, so that tus
            // stops instead of taking the 4xx for "upload gone" and sending the whole file again as a new upload.
            throw new UploadRefusedError(await rejectedReason(request.getURL()))
          }
          if (response.getStatus() === 200) {
            const offset = Number.parseInt(response.getHeader('Upload-Offset') ?? '', 10)
            if (Number.isFinite(offset) && offset > 0) {
              resumedFrom.value = offset
              sent.value = offset
              meter.reset()
            }
          }
        },
        onProgress: (bytesSent, bytesTotal) => {
          if (mine !== generation) return
          sent.value = bytesSent
          total.value = bytesTotal
          meter.sample(bytesSent)
          speed.value = meter.bytesPerSecond()
        },
        onSuccess: ({ lastResponse }) => {
          void (async () => {
            try {
              finish(fileFromResponse(lastResponse) ?? (await completedFile(upload)), upload.options.metadata?.sha256 ?? null)
            } catch (err) {
              await forget(upload)
              fail(uploadErrorMessage(err))
            }
          })()
        },
        onError: (err) => {
          const status = 'originalResponse' in err ? (err.originalResponse?.getStatus() ?? 0) : 0
          // The server has ruled on the content (refused, too large, expired): start afresh next time.
          const ruled = causeOf(err) instanceof UploadRefusedError || (status >= 400 && status < 500 && status !== 401)
          void (ruled ? forget(upload) : Promise.resolve()).then(() => fail(uploadErrorMessage(err)))
        },
      })
      current = upload

      void (async () => {
        try {
          const previous = latestPreviousUpload(await upload.findPreviousUploads().catch(() => []))
          let sha256 = previous?.metadata?.sha256 ?? null
          let plan: ResumePlan = { kind: 'restart' }
          if (previous && sha256) {
            // Asked through the API client, which also refreshes an access token that expired meanwhile (tus
            // would take a 401 to its HEAD for "upload gone" and start over).
            const id = uploadIdFromUrl(previous.uploadUrl)
            if (id) {
              const answer = await uploadStatus(id)
              plan = resumePlan(answer.status, answer.upload)
            }
            if (mine !== generation) return resolve(null)
            if (plan.kind !== 'resume') await urlStorage.removeUpload(previous.urlStorageKey).catch(() => undefined)
            if (plan.kind === 'refused') return fail(plan.reason)
            if (plan.kind === 'stored') return finish(plan, sha256)
          }
          if (plan.kind === 'resume' && previous && sha256) {
            upload.resumeFromPreviousUpload(previous)
          } else {
            hashing = new AbortController()
            sha256 = await sha256OfBlob(picked, {
              signal: hashing.signal,
              onProgress: (done) => {
                if (mine === generation) hashed.value = done
              },
            })
            hashing = null
          }
          if (mine !== generation) return resolve(null)
          hashed.value = picked.size
          upload.options.metadata = { filename: picked.name, sha256, ...(picked.type ? { filetype: picked.type } : {}) }
          phase.value = 'uploading'
          upload.start()
        } catch (err) {
          hashing = null
          if (err instanceof DOMException && err.name === 'AbortError') return resolve(null)
          fail(err instanceof Error && err.message ? `无法读取文件：${err.message}` : '无法读取文件')
        }
      })()
    })
  }

  /** Stops the upload and deletes what the server received (tus termination). */
  async function cancel(): Promise<void> {
    const upload = current
    const wasUploading = phase.value === 'uploading'
    hashing?.abort()
    hashing = null
    generation += 1
    phase.value = 'cancelled'
    speed.value = null
    current = null
    settle?.(null)
    settle = null
    if (upload && wasUploading) {
      try {
        await upload.abort(true)
      } catch {
        // The server deletes abandoned partials on its own after a day.
        await forget(upload)
      }
    }
  }

  onBeforeUnmount(() => {
    // Leaving the page keeps the partial on the server: picking the same file again resumes it.
    hashing?.abort()
    generation += 1
    void current?.abort(false)
    settle?.(null)
  })

  return { phase, file, hashed, sent, total, percent, hashPercent, speed, resumedFrom, resumeNote, error, result, busy, start, cancel, reset }
}
