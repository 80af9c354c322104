// End-to-end checks of 自查自改 / 自查督导 / 问题清单 against the real backend (same harness as app.e2e.test.mjs).
//
// Prerequisite: `npm run build`. Environment: ANPING_PYTHON, ANPING_CHROMIUM (as app.e2e.test.mjs).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const repoRoot = resolve(frontendDir, '..')
const distDir = join(frontendDir, 'dist')
const artifactsDir = join(frontendDir, 'e2e', 'artifacts')
const python = process.env.ANPING_PYTHON ?? join(repoRoot, '.venv', 'bin', 'python')
const chromiumPath = process.env.ANPING_CHROMIUM ?? '/usr/bin/chromium'
const PASSWORD = 'Anping@2024'

const HOMES = {
  city: { path: '/city', heading: '市级工作台' },
  agency: { path: '/agency', heading: '机构工作台' },
}

const VIEWPORTS = [
  { width: 375, height: 812, mobile: true },
  { width: 1440, height: 900, mobile: false },
]

const CHROMIUM_ARGS = [
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
let tempDir = null
let browser = null
let baseUrl = ''

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

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

async function newPage(viewport) {
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

async function login(page, username) {
  await page.goto(`${baseUrl}/`)
  await page.waitForURL((url) => url.pathname === '/login')
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.locator('input[name="password"]').press('Enter') // Enter submits
}

async function assertNoHorizontalScroll(page, label) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }))
  assert.ok(scrollWidth <= innerWidth, `${label}: horizontal scroll (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`)
}

async function assertHome(page, home) {
  await page.waitForURL((url) => url.pathname === home.path)
  const heading = page.getByTestId('page-heading')
  await heading.waitFor({ state: 'visible' })
  assert.equal((await heading.textContent())?.trim(), home.heading)
}

/** Waits until a page's title is shown and no loading mask is left. */
async function settle(page) {
  await page.locator('h1.page-title').first().waitFor({ state: 'visible' })
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.el-loading-mask')].every((mask) => getComputedStyle(mask).display === 'none' || !mask.offsetParent),
  )
  await page.waitForTimeout(150)
}

/** Opens a page from the navigation (the drawer on phones, the sidebar on desktops). */
async function openFromMenu(page, mobile, title, path) {
  if (mobile) await page.getByTestId('nav-toggle').click()
  const menu = page.locator(mobile ? '.nav-drawer' : '[data-testid="sidebar"]').getByTestId('nav-menu')
  await menu.getByText(title, { exact: true }).click()
  await page.waitForURL((url) => url.pathname === path)
  if (mobile) await menu.waitFor({ state: 'hidden' })
  await settle(page)
}

async function confirmMessageBox(page, button) {
  await page.locator('.el-message-box').getByRole('button', { name: button }).click()
  await page.locator('.el-message-box').waitFor({ state: 'hidden' })
}

/** A row of a ResponsiveList: a table row on desktops, a card on phones. */
const listRows = (page) => page.locator('.el-table__body tr, article.card')


describe('Anping self-checks and findings (e2e)', () => {
  before(async () => {
    assert.ok(existsSync(join(distDir, 'index.html')), `${distDir}/index.html is missing: run \`npm run build\` first`)
    assert.ok(existsSync(python), `Python not found at ${python} (set ANPING_PYTHON)`)
    assert.ok(existsSync(chromiumPath), `Chromium not found at ${chromiumPath} (set ANPING_CHROMIUM)`)
    await mkdir(artifactsDir, { recursive: true })
    tempDir = await mkdtemp(join(tmpdir(), 'anping-e2e-'))
    const port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    server = spawn(python, ['-m', 'backend', 'run', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ANPING_DATABASE_URL: `sqlite+aiosqlite:///${join(tempDir, 'e2e.db')}`,
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
    await waitForHealth(`${baseUrl}/api/v1/health`, server)
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS })
  })

  after(async () => {
    try {
      await browser?.close()
    } finally {
      await stopServer()
      if (tempDir) await rm(tempDir, { recursive: true, force: true })
    }
  })

  test('agency.a.branch @ 375px: 附件3 draft autosaves, survives a reload, and an incomplete submit is refused', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'agency.a.branch')
      await assertHome(page, HOMES.agency)
      await openFromMenu(page, true, '自查自改', '/self-checks')
      const projectsCard = page.getByTestId('self-check-projects')
      await projectsCard.getByTestId('self-check-status').waitFor({ state: 'visible' })
      assert.equal((await projectsCard.getByTestId('self-check-status').textContent())?.trim(), '草稿')
      await page.getByTestId('self-check-qualification').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'self-checks page')
      await page.screenshot({ path: join(artifactsDir, 'self-checks-375.png'), fullPage: true })

      await projectsCard.getByTestId('open-self-check').click()
      await page.waitForURL((url) => /^\/self-checks\/\d+$/.test(url.pathname))
      await settle(page)
      await page.getByTestId('report-row').first().waitFor({ state: 'visible' })
      // A report not filled yet: neither "未发现问题" nor a problem.
      const projectId = await page.evaluate(() => {
        const rows = [...document.querySelectorAll('[data-testid="report-row"]')]
        const blank = rows.find((row) => !row.querySelector('.el-checkbox.is-checked') && !row.querySelector('.problem-line'))
        return blank?.getAttribute('data-project-id') ?? null
      })
      assert.ok(projectId, 'the half-filled draft has a report left to fill')
      const row = page.locator(`[data-testid="report-row"][data-project-id="${projectId}"]`)
      const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/v1\/self-checks\/\d+$/.test(r.url()))
      await row.getByText('未发现问题', { exact: true }).click()
      await page.getByTestId('save-state').getByText('保存中…').waitFor({ state: 'visible' })
      assert.equal((await saved).status(), 200)
      await page.getByTestId('save-state').getByText(/^已保存于 \d\d:\d\d:\d\d$/).waitFor({ state: 'visible' })
      assert.equal(await page.evaluate((id) => localStorage.getItem(`anping.self-check-draft.${id}`), page.url().split('/').pop()), null)
      await assertNoHorizontalScroll(page, 'self-check form')
      await page.screenshot({ path: join(artifactsDir, 'self-check-form-375.png'), fullPage: true })

      await page.reload()
      await settle(page)
      await row.waitFor({ state: 'visible' })
      assert.equal(await row.locator('.el-checkbox.is-checked').count(), 1, 'the report stays marked 未发现问题 after a reload')

      // Submitting the still half-filled form: refused, with the reports that are missing marked.
      await page.getByTestId('declaration').click()
      await page.getByTestId('submit-self-check').click()
      await confirmMessageBox(page, '提交')
      const incomplete = page.getByTestId('incomplete')
      await incomplete.waitFor({ state: 'visible' })
      assert.match((await incomplete.textContent()) ?? '', /尚未填写完整/)
      await page.locator('[data-testid="report-row"].entry-error').first().waitFor({ state: 'visible' })
      await page.locator('[data-testid="report-row"] .el-form-item__error', { hasText: '尚未填写' }).first().waitFor({ state: 'visible' })
      assert.equal((await page.getByTestId('self-check-status').textContent())?.trim(), '草稿')
      await assertNoHorizontalScroll(page, 'self-check form with errors')
      await page.screenshot({ path: join(artifactsDir, 'self-check-incomplete-375.png'), fullPage: true })

      // The agency's 问题清单 fits the phone too.
      await openFromMenu(page, true, '问题清单', '/findings')
      await assertNoHorizontalScroll(page, 'agency findings page')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 1440px: reminds a late agency, opens an overdue finding', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await openFromMenu(page, false, '自查督导', '/self-check-oversight')
      const agency = listRows(page).filter({ hasText: '河北正安安全技术服务有限公司' }).first()
      await agency.waitFor({ state: 'visible' })
      assert.equal((await agency.locator('[data-kind="qualification"] [data-testid="status-tag"]').textContent())?.trim(), '未开始')
      assert.equal((await agency.locator('[data-kind="projects"] [data-testid="status-tag"]').textContent())?.trim(), '未开始')
      await agency.locator('.el-checkbox').first().click()
      await page.getByTestId('remind').click()
      const dialog = page.locator('.el-dialog', { hasText: '发送提醒' })
      await dialog.waitFor({ state: 'visible' })
      assert.match((await dialog.textContent()) ?? '', /河北正安安全技术服务有限公司/)
      await dialog.locator('textarea').fill('请尽快填写并提交自查表')
      await page.getByTestId('confirm-remind').click()
      await page.locator('.el-message', { hasText: '已向 1 家机构发送提醒' }).waitFor({ state: 'visible' })
      await dialog.waitFor({ state: 'hidden' })
      await page.screenshot({ path: join(artifactsDir, 'self-check-oversight-1440.png'), fullPage: true })

      await openFromMenu(page, false, '问题清单', '/findings')
      // Wait for the filtered list from before the click: the answer can arrive before a later waiter is set.
      const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/findings?') && r.url().includes('overdue=true'))
      await page.getByTestId('overdue-switch').click()
      await filtered
      await settle(page)
      const first = page.locator('.el-table__body [data-testid="finding-link"]').first()
      await first.waitFor({ state: 'visible' })
      await first.click()
      await page.waitForURL((url) => /^\/findings\/\d+$/.test(url.pathname))
      await settle(page)
      await page.getByTestId('finding-status').waitFor({ state: 'visible' })
      await page.getByTestId('finding-events').waitFor({ state: 'visible' })
      await page.screenshot({ path: join(artifactsDir, 'finding-detail-1440.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 375px: 自查督导, 问题清单 and a finding fit the screen', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await openFromMenu(page, true, '自查督导', '/self-check-oversight')
      await listRows(page).first().waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'oversight page')
      await page.getByTestId('only-pending').click()
      await assertNoHorizontalScroll(page, 'oversight page, pending only')
      await page.screenshot({ path: join(artifactsDir, 'self-check-oversight-375.png'), fullPage: true })
      await openFromMenu(page, true, '问题清单', '/findings')
      await page.getByTestId('finding-link').first().waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'findings page')
      await page.getByTestId('finding-link').first().click()
      await page.waitForURL((url) => /^\/findings\/\d+$/.test(url.pathname))
      await settle(page)
      await page.getByTestId('finding-events').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'finding detail')
      await page.getByTestId('notification-bell').click()
      await page.getByTestId('notification-list').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'notifications open')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })
})
