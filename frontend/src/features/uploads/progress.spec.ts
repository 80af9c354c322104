import { describe, expect, it } from 'vitest'
import { formatBytes } from '@/utils/format'
import { formatSpeed, percentOf, resumeMessage, shortSha256, SpeedMeter } from './progress'

const MiB = 1024 * 1024

describe('sizes and speeds', () => {
  it('formats byte counts in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(8 * MiB)).toBe('8 MB')
    expect(formatBytes(24 * MiB + 300 * 1024)).toBe('24.3 MB')
    expect(formatBytes(150.4 * MiB)).toBe('150 MB')
    expect(formatBytes(2 * 1024 * MiB)).toBe('2 GB')
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB') // not "1024 KB"
    expect(formatBytes(null)).toBe('—')
    expect(formatBytes(-1)).toBe('—')
  })

  it('formats speeds, with a dash until one is known', () => {
    expect(formatSpeed(3.2 * MiB)).toBe('3.2 MB/s')
    expect(formatSpeed(800)).toBe('800 B/s')
    expect(formatSpeed(null)).toBe('—')
    expect(formatSpeed(0)).toBe('—')
    expect(formatSpeed(Number.NaN)).toBe('—')
  })

  it('reaches 100 % only when everything is there', () => {
    expect(percentOf(0, 100)).toBe(0)
    expect(percentOf(50, 100)).toBe(50)
    expect(percentOf(999_999, 1_000_000)).toBe(99)
    expect(percentOf(1_000_000, 1_000_000)).toBe(100)
    expect(percentOf(0, 0)).toBe(100)
  })
})

describe('resume note and hashes', () => {
  it('says from where an upload continues', () => {
    expect(resumeMessage(8 * MiB)).toBe('已从上次中断处继续（已上传 8 MB）')
    expect(resumeMessage(0)).toBeNull()
    expect(resumeMessage(null)).toBeNull()
  })

  it('shortens a SHA-256 for the eye', () => {
    const sha = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    expect(shortSha256(sha)).toBe('ba7816bf…15ad')
    expect(shortSha256('')).toBe('—')
  })
})

describe('SpeedMeter', () => {
  it('averages over its window and forgets older samples', () => {
    const meter = new SpeedMeter(3000, 300)
    meter.sample(0, 0)
    expect(meter.bytesPerSecond()).toBeNull()
    meter.sample(100, 100)
    expect(meter.bytesPerSecond()).toBeNull() // 100 ms says nothing yet
    meter.sample(1 * MiB, 1000)
    expect(meter.bytesPerSecond()).toBe(MiB)
    // A slow stretch later: the fast first second drops out of the 3 s window.
    meter.sample(2 * MiB, 2000)
    meter.sample(2 * MiB + 512 * 1024, 5000)
    expect(meter.bytesPerSecond()).toBeCloseTo((512 * 1024 * 1000) / 3000, 5)
  })

  it('starts over when the count goes backwards (a retry) or on reset (a resume)', () => {
    const meter = new SpeedMeter()
    meter.sample(5 * MiB, 0)
    meter.sample(6 * MiB, 1000)
    meter.sample(1 * MiB, 1100)
    expect(meter.bytesPerSecond()).toBeNull()
    meter.sample(2 * MiB, 2100)
    expect(meter.bytesPerSecond()).toBe(MiB)
    meter.reset()
    expect(meter.bytesPerSecond()).toBeNull()
  })
})
