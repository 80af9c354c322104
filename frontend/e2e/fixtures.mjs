// Small, real files for the e2e suites (PDF, PNG) and the API calls a test's setup needs (sign in, upload over
// tus in one PATCH) — what the browser picks or what exists before the page is opened.
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { backend, PASSWORD } from './harness.mjs'

export const sha256 = (data) => createHash('sha256').update(data).digest('hex')

/** Writes a file the browser will pick, and what the tests check it by. */
export async function writeFixture(dir, name, data) {
  const path = join(dir, name)
  await writeFile(path, data)
  return { path, name, sha256: sha256(data), size: data.length }
}

/** A valid one-page PDF, built like backend/demo/files.py does. */
export function minimalPdf(...lines) {
  const escape = (line) => line.replace(/\\/g, '\\\\').replace(/\(/g, '\\(').replace(/\)/g, '\\)')
  const text = lines.map((line, i) => `BT /F1 12 Tf 72 ${760 - 18 * i} Td (${escape(line)}) Tj ET\n`).join('')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}endstream`,
  ]
  const parts = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  let length = parts[0].length
  const offsets = []
  objects.forEach((body, index) => {
    offsets.push(length)
    const part = Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1')
    parts.push(part)
    length += part.length
  })
  const xref = length
  const table = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${table}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
      'latin1',
    ),
  )
  return Buffer.concat(parts)
}

function pngChunk(type, data) {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

/** A small solid-colour PNG (a "photo"): different colours give different files. */
export function solidPng(width, height, [r, g, b]) {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())])
  const pixels = Buffer.concat(Array.from({ length: height }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** Signs in through the API (no browser) and returns an access token. */
export async function apiToken(username) {
  const response = await fetch(`${backend.baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD }),
  })
  if (!response.ok) throw new Error(`sign-in of ${username} failed: HTTP ${response.status} ${await response.text()}`)
  return (await response.json()).access_token
}

/** A JSON API call with a bearer token; throws with the problem+json body unless the answer is 2xx. */
export async function apiJson(token, method, path, body) {
  const response = await fetch(`${backend.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`)
  return text ? JSON.parse(text) : null
}

/** Uploads a small file over tus in one PATCH, as a machine client would, and returns the stored file's id. */
export async function apiUpload(token, name, data) {
  const base64 = (text) => Buffer.from(text, 'utf8').toString('base64')
  const tus = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' }
  const created = await fetch(`${backend.baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: { ...tus, 'Upload-Length': String(data.length), 'Upload-Metadata': `filename ${base64(name)},sha256 ${base64(sha256(data))}` },
  })
  if (created.status !== 201) throw new Error(`creating the upload of ${name} failed: HTTP ${created.status} ${await created.text()}`)
  const patched = await fetch(`${backend.baseUrl}${created.headers.get('location')}`, {
    method: 'PATCH',
    headers: { ...tus, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
    body: data,
  })
  const fileId = Number(patched.headers.get('anping-file-id'))
  if (patched.status !== 204 || !fileId) throw new Error(`uploading ${name} failed: HTTP ${patched.status} ${await patched.text()}`)
  return fileId
}
