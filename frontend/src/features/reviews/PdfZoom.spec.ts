import { describe, expect, it } from 'vitest'
import { clampPage, clampScale, fitWidthScale, MAX_SCALE, MIN_SCALE, pageLocation, stepScale } from './PdfZoom'

describe('pdf viewer zoom and paging', () => {
  it('steps the zoom to the next step, also from a fit-width scale between steps', () => {
    expect(stepScale(1, 1)).toBe(1.1)
    expect(stepScale(1, -1)).toBe(0.9)
    expect(stepScale(0.93, 1)).toBe(1)
    expect(stepScale(0.93, -1)).toBe(0.9)
    expect(stepScale(MAX_SCALE, 1)).toBe(MAX_SCALE)
    expect(stepScale(MIN_SCALE, -1)).toBe(MIN_SCALE)
  })

  it('fits the page to the width, within the zoom range', () => {
    expect(fitWidthScale(595, 595)).toBe(1)
    expect(fitWidthScale(595, 297.5)).toBe(0.5)
    expect(fitWidthScale(595, 100)).toBe(MIN_SCALE)
    expect(fitWidthScale(100, 10_000)).toBe(MAX_SCALE)
    expect(fitWidthScale(0, 500)).toBe(1)
    expect(fitWidthScale(595, 0)).toBe(1)
    expect(clampScale(Number.NaN)).toBe(1)
  })

  it('holds a typed page number within the document', () => {
    expect(clampPage(3, 10)).toBe(3)
    expect(clampPage(0, 10)).toBe(1)
    expect(clampPage(99, 10)).toBe(10)
    expect(clampPage(2.6, 10)).toBe(3)
    expect(clampPage(Number.NaN, 10)).toBe(1)
    expect(clampPage(5, 0)).toBe(1)
  })

  it('names the page for a location field', () => {
    expect(pageLocation(35)).toBe('第 35 页')
  })
})
