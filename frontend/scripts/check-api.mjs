// Fails when src/api/schema.d.ts is not what openapi-typescript generates from ../openapi/openapi.json,
// i.e. when someone changed the API contract without running `npm run gen:api` (or hand-edited the file).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const spec = resolve(root, '../openapi/openapi.json')
const committed = join(root, 'src/api/schema.d.ts')
const bin = join(root, 'node_modules/.bin/openapi-typescript')

if (!existsSync(spec)) {
  console.error(`check:api: ${spec} does not exist`)
  process.exit(1)
}
const dir = mkdtempSync(join(tmpdir(), 'anping-check-api-'))
try {
  const fresh = join(dir, 'schema.d.ts')
  execFileSync(bin, [spec, '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] })
  const want = readFileSync(fresh, 'utf8')
  const have = existsSync(committed) ? readFileSync(committed, 'utf8') : ''
  if (want !== have) {
    console.error('check:api: src/api/schema.d.ts is out of date with ../openapi/openapi.json — run `npm run gen:api`.')
    process.exit(1)
  }
  console.log('check:api: src/api/schema.d.ts is up to date.')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
