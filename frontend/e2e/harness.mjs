// The browser end-to-end harness shared by the e2e files: a real backend (`python -m backend run`, demo data,
// the built SPA) on a free port, Debian Chromium through playwright-core, and the page helpers the tests use.
//
// Prerequisite: `npm run build`. Environment: ANPING_PYTHON (the backend's interpreter), ANPING_CHROMIUM.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
export const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const repoRoot = resolve(frontendDir, '..')
export const distDir = join(frontendDir, 'dist')
export const artifactsDir = join(frontendDir, 'e2e', 'artifacts')
export const python = process.env.ANPING_PYTHON ?? join(repoRoot, '.venv', 'bin', 'python')
export const chromiumPath = process.env.ANPING_CHROMIUM ?? '/usr/bin/chromium'
export const PASSWORD = 'Anping@2024'

export const HOMES = {
  city: { path: '/city', heading: '市级工作台', roleLabel: '市应急管理局危化科' },
  county: { path: '/county', heading: '县区工作台', roleLabel: '县区应急管理局' },
  agency: { path: '/agency', heading: '机构工作台', roleLabel: '安全评价机构' },
  expert: { path: '/expert', heading: '专家工作台', roleLabel: '评审专家' },
}

export const VIEWPORTS = [
  { width: 375, height: 812, mobile: true },
  { width: 1440, height: 900, mobile: false },
]

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
]

let server = null
let serverLog = ''
let browser = null

/** The running backend: its address and a scratch folder for downloads, set by useBackend's `before`. */
export const backend = { baseUrl: '', tempDir: '' }

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolvePort(port))
    })
  })
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function waitForHealth(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`backend exited early (code ${child.exitCode}, signal ${child.signalCode})\n${serverLog}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      if (response.status === 200) return
      last = `HTTP ${response.status}`
    } catch (error) {
      last = error.message
    }
    await sleep(500)
  }
  throw new Error(`backend not healthy after ${timeoutMs / 1000} s (${last})\n${serverLog}`)
}

/** Ends the backend's whole process group (it was started detached, as its own group leader). */
async function stopServer() {
  const child = server
  server = null
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal)
    } catch {
      // already gone
    }
  }
  signalGroup('SIGTERM')
  const timedOut = await Promise.race([exited.then(() => false), sleep(8_000).then(() => true)])
  if (timedOut) {
    signalGroup('SIGKILL')
    await exited
  }
}

// Last-resort cleanup should the runner be interrupted before `after` runs.
process.once('exit', () => {
  if (server && server.exitCode === null) {
    try {
      process.kill(-server.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

export async function newPage(viewport) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    deviceScaleFactor: 1,
    isMobile: viewport.mobile,
    hasTouch: viewport.mobile,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const problems = []
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  return { context, page, problems }
}

export async function login(page, username) {
  await page.goto(`${backend.baseUrl}/`)
  await page.waitForURL((url) => url.pathname === '/login')
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.locator('input[name="password"]').press('Enter') // Enter submits
}

export async function assertNoHorizontalScroll(page, label) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }))
  assert.ok(scrollWidth <= innerWidth, `${label}: horizontal scroll (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`)
}

export async function assertHome(page, home) {
  await page.waitForURL((url) => url.pathname === home.path)
  const heading = page.getByTestId('page-heading')
  await heading.waitFor({ state: 'visible' })
  assert.equal((await heading.textContent())?.trim(), home.heading)
}

/** Waits until a page's title is shown and no loading mask is left. */
export async function settle(page) {
  await page.locator('h1.page-title').first().waitFor({ state: 'visible' })
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.el-loading-mask')].every((mask) => getComputedStyle(mask).display === 'none' || !mask.offsetParent),
  )
  await page.waitForTimeout(150)
}

/** Opens a page from the navigation (the drawer on phones, the sidebar on desktops). */
export async function openFromMenu(page, mobile, title, path) {
  if (mobile) await page.getByTestId('nav-toggle').click()
  const menu = page.locator(mobile ? '.nav-drawer' : '[data-testid="sidebar"]').getByTestId('nav-menu')
  await menu.getByText(title, { exact: true }).click()
  await page.waitForURL((url) => url.pathname === path)
  if (mobile) await menu.waitFor({ state: 'hidden' })
  await settle(page)
}

export async function confirmMessageBox(page, button) {
  await page.locator('.el-message-box').getByRole('button', { name: button }).click()
  await page.locator('.el-message-box').waitFor({ state: 'hidden' })
}

/** A row of a ResponsiveList: a table row on desktops, a card on phones. */
export const listRows = (page) => page.locator('.el-table__body tr, article.card')

export async function logout(page) {
  await page.getByTestId('logout').click()
  const confirm = page.locator('.el-message-box').getByRole('button', { name: '退出' })
  await confirm.click()
  await page.waitForURL((url) => url.pathname === '/login')
  await page.locator('input[name="username"]').waitFor({ state: 'visible' })
}

/** Starts the backend and Chromium before the calling suite's tests, and stops both after them. */
export function useBackend() {
  before(async () => {
    assert.ok(existsSync(join(distDir, 'index.html')), `${distDir}/index.html is missing: run \`npm run build\` first`)
    assert.ok(existsSync(python), `Python not found at ${python} (set ANPING_PYTHON)`)
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (set ANPING_CHROMIUM)`)
    await mkdir(artifactsDir, { recursive: true })
    backend.tempDir = await mkdtemp(join(tmpdir(), 'anping-e2e-'))
    const port = await freePort()
    backend.baseUrl = `http://127.0.0.1:${port}`
    server = spawn(python, ['-m', 'backend', 'run', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ANPING_DATABASE_URL: `sqlite+aiosqlite:///${join(backend.tempDir, 'e2e.db')}`,
        // Uploaded and demo files go to the run's scratch folder, not the repository's var/storage.
        ANPING_STORAGE_DIR: join(backend.tempDir, 'storage'),
        ANPING_ENV: 'development',
        ANPING_SPA_DIR: distDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const keep = (chunk) => {
      serverLog = (serverLog + chunk.toString()).slice(-20_000)
    }
    server.stdout.on('data', keep)
    server.stderr.on('data', keep)
    await waitForHealth(`${backend.baseUrl}/api/v1/health`, server)
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS })
  })

  after(async () => {
    try {
      await browser?.close()
    } finally {
      await stopServer()
      if (backend.tempDir) await rm(backend.tempDir, { recursive: true, force: true })
    }
  })
}
