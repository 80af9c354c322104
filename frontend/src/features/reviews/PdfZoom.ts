/** Zoom and paging of the in-browser PDF viewer (PdfViewer.vue). */

export const MIN_SCALE = 0.25
export const MAX_SCALE = 4
const STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4]

export function clampScale(scale: number): number {
  if (!Number.isFinite(scale)) return 1
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale))
}

/** The next zoom step above (`+1`) or below (`-1`) the current scale, which may lie between steps (fit width). */
export function stepScale(scale: number, direction: 1 | -1): number {
  const epsilon = 0.001
  const next = direction > 0 ? STEPS.find((s) => s > scale + epsilon) : [...STEPS].reverse().find((s) => s < scale - epsilon)
  return next ?? (direction > 0 ? MAX_SCALE : MIN_SCALE)
}

/** The scale at which a page of `pageWidth` (PDF points at scale 1) fills `available` CSS pixels. */
export function fitWidthScale(pageWidth: number, available: number): number {
  if (!(pageWidth > 0) || !(available > 0)) return 1
  return clampScale(available / pageWidth)
}

/** A page number the document has: typed input is rounded and held within 1…count. */
export function clampPage(page: number, count: number): number {
  if (count < 1) return 1
  if (!Number.isFinite(page)) return 1
  return Math.min(count, Math.max(1, Math.round(page)))
}

/** `第 12 页`: what 当前页 puts into a 页码/章节 field. */
export function pageLocation(page: number): string {
  return `第 ${page} 页`
}
