// Just enough of the .xlsx container (a zip) for the e2e tests: read the entries of a workbook the backend
// exported, change a cell of its first sheet, and write the workbook back (entries stored, not compressed).
// No third-party dependency: node:zlib inflates and computes the CRC-32.
import { crc32, inflateRawSync } from 'node:zlib'

/** @returns {Map<string, Buffer>} entry name → contents */
export function readZip(buffer) {
  let eocd = -1
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 65_557); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)')
  const count = buffer.readUInt16LE(eocd + 10)
  let offset = buffer.readUInt32LE(eocd + 16)
  const entries = new Map()
  for (let n = 0; n < count; n++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory entry')
    const method = buffer.readUInt16LE(offset + 10)
    const compressedSize = buffer.readUInt32LE(offset + 20)
    const nameLength = buffer.readUInt16LE(offset + 28)
    const extraLength = buffer.readUInt16LE(offset + 30)
    const commentLength = buffer.readUInt16LE(offset + 32)
    const localOffset = buffer.readUInt32LE(offset + 42)
    const name = buffer.subarray(offset + 46, offset + 46 + nameLength).toString('utf8')
    const localNameLength = buffer.readUInt16LE(localOffset + 26)
    const localExtraLength = buffer.readUInt16LE(localOffset + 28)
    const start = localOffset + 30 + localNameLength + localExtraLength
    const raw = buffer.subarray(start, start + compressedSize)
    if (method !== 0 && method !== 8) throw new Error(`unsupported zip method ${method} for ${name}`)
    entries.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw))
    offset += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** @param {Map<string, Buffer>} entries */
export function writeZip(entries) {
  const locals = []
  const centrals = []
  let offset = 0
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(0, 8) // stored
    local.writeUInt16LE(0, 10) // time
    local.writeUInt16LE(0x21, 12) // date: 1980-01-01
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    local.writeUInt16LE(0, 28)
    locals.push(local, nameBytes, data)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(0, 10)
    central.writeUInt16LE(0, 12)
    central.writeUInt16LE(0x21, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, nameBytes)
    offset += 30 + nameBytes.length + data.length
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.size, 8)
  end.writeUInt16LE(entries.size, 10)
  end.writeUInt32LE(centralSize, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}

const unescapeXml = (text) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const SHEET = 'xl/worksheets/sheet1.xml'

/** The inline-string cells of a row of the first sheet: { A: '序号', B: '县区', … }. */
export function rowCells(entries, rowNumber) {
  const xml = entries.get(SHEET).toString('utf8')
  const cells = {}
  const row = new RegExp(`<row r="${rowNumber}"[^>]*>(.*?)</row>`, 's').exec(xml)
  if (!row) return cells
  for (const match of row[1].matchAll(/<c r="([A-Z]+)\d+"[^>]*>(.*?)<\/c>/gs)) {
    const text = /<t[^>]*>(.*?)<\/t>/s.exec(match[2]) ?? /<v>(.*?)<\/v>/s.exec(match[2])
    cells[match[1]] = text ? unescapeXml(text[1]) : ''
  }
  return cells
}

/** A copy of the workbook with one cell of the first sheet replaced by an inline string. */
export function withCell(entries, ref, value) {
  const xml = entries.get(SHEET).toString('utf8')
  const cell = new RegExp(`<c r="${ref}"[^>]*?(/>|>.*?</c>)`, 's')
  if (!cell.test(xml)) throw new Error(`cell ${ref} not found`)
  const replaced = xml.replace(cell, `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`)
  const copy = new Map(entries)
  copy.set(SHEET, Buffer.from(replaced, 'utf8'))
  return copy
}
