import { formatBytes } from '@/utils/format'

/** Whole percent of `done` out of `total`, 0–100; 100 only once everything is there. */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return done >= total ? 100 : 0
  if (done >= total) return 100
  return Math.min(99, Math.max(0, Math.floor((done / total) * 100)))
}

/** `3.2 MB/s`; '—' while the speed is not known yet. */
export function formatSpeed(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—'
  return `${formatBytes(bytesPerSecond)}/s`
}

/** The note shown when the server already had part of the file (tus HEAD answered a non-zero offset). */
export function resumeMessage(offset: number | null | undefined): string | null {
  if (!offset || offset <= 0) return null
  return `已从上次中断处继续（已上传 ${formatBytes(offset)}）`
}

/** The first 8 and last 4 hex digits of a SHA-256, enough to compare by eye: `3a7bd3e2…9f1c`. */
export function shortSha256(sha256: string | null | undefined): string {
  if (!sha256) return '—'
  return sha256.length <= 16 ? sha256 : `${sha256.slice(0, 8)}…${sha256.slice(-4)}`
}

/**
 * Upload speed over a sliding window of progress samples, so one slow or bursty chunk does not make the
 * number jump. `reset()` after a jump that is not transfer (resuming from the server's offset).
 */
export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = []

  constructor(
    private readonly windowMs = 3000,
    private readonly minSpanMs = 300,
  ) {}

  sample(bytes: number, at: number = performance.now()): void {
    const last = this.samples[this.samples.length - 1]
    if (last && bytes < last.bytes) this.samples = [] // a retry started over from an earlier offset
    this.samples.push({ at, bytes })
    while (this.samples.length > 2 && at - this.samples[0].at > this.windowMs) this.samples.shift()
  }

  reset(): void {
    this.samples = []
  }

  /** Bytes per second, or null until the samples span long enough to mean something. */
  bytesPerSecond(): number | null {
    if (this.samples.length < 2) return null
    const first = this.samples[0]
    const last = this.samples[this.samples.length - 1]
    const span = last.at - first.at
    if (span < this.minSpanMs) return null
    return ((last.bytes - first.bytes) * 1000) / span
  }
}
