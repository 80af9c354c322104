// End-to-end check of the SPA shell against the real backend, in Debian's Chromium via playwright-core.
//
// Prerequisite: `npm run build` (this script serves frontend/dist through the backend, it builds nothing).
// Environment: ANPING_PYTHON (default <repo>/.venv/bin/python), ANPING_CHROMIUM (default /usr/bin/chromium).
// Screenshots go to frontend/e2e/artifacts/<user>-<width>.png (gitignored).
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
  city: { path: '/city', heading: '市级工作台', roleLabel: '市应急管理局危化科' },
  county: { path: '/county', heading: '县区工作台', roleLabel: '县区应急管理局' },
  agency: { path: '/agency', heading: '机构工作台', roleLabel: '安全评价机构' },
  expert: { path: '/expert', heading: '专家工作台', roleLabel: '评审专家' },
}

/** The demo accounts and what their navigation must (not) offer. */
const ACCOUNTS = [
  { username: 'city.admin', role: 'city', nav: ['用户管理', '接口令牌', '审计日志'], notNav: [] },
  { username: 'county.haigang', role: 'county', nav: ['用户管理', '接口令牌'], notNav: ['审计日志'] },
  { username: 'county.changli', role: 'county', nav: ['用户管理', '接口令牌'], notNav: ['审计日志'] },
  { username: 'agency.a.admin', role: 'agency', nav: ['用户管理', '接口令牌'], notNav: ['审计日志'] },
  { username: 'agency.a.branch', role: 'agency', nav: ['用户管理', '接口令牌'], notNav: ['审计日志'] },
  { username: 'agency.b.admin', role: 'agency', nav: ['用户管理', '接口令牌'], notNav: ['审计日志'] },
  { username: 'expert.1', role: 'expert', nav: [], notNav: ['用户管理', '接口令牌', '审计日志'] },
  { username: 'expert.2', role: 'expert', nav: [], notNav: ['用户管理', '接口令牌', '审计日志'] },
]

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

async function logout(page) {
  await page.getByTestId('logout').click()
  const confirm = page.locator('.el-message-box').getByRole('button', { name: '退出' })
  await confirm.click()
  await page.waitForURL((url) => url.pathname === '/login')
  await page.locator('input[name="username"]').waitFor({ state: 'visible' })
}

describe('Anping SPA shell (e2e)', () => {
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

  for (const account of ACCOUNTS) {
    for (const viewport of VIEWPORTS) {
      test(`${account.username} @ ${viewport.width}px: login, home, navigation, reload, logout`, async () => {
        const home = HOMES[account.role]
        const { context, page, problems } = await newPage(viewport)
        try {
          await login(page, account.username)
          await assertHome(page, home)
          const welcome = page.getByTestId('welcome-card')
          await welcome.waitFor({ state: 'visible' })
          assert.equal((await page.getByTestId('role-label').textContent())?.trim(), home.roleLabel)
          await page.getByText('本周暂无待办事项').waitFor({ state: 'visible' })
          await assertNoHorizontalScroll(page, `${account.username} home`)

          // Navigation: a drawer behind the hamburger on phones, a sidebar on desktops.
          let menu
          if (viewport.mobile) {
            assert.equal(await page.getByTestId('sidebar').count(), 0, 'no sidebar below 768 px')
            const toggle = page.getByTestId('nav-toggle')
            const box = await toggle.boundingBox()
            assert.ok(box && box.width >= 44 && box.height >= 44, `hamburger is at least 44×44 (got ${box?.width}×${box?.height})`)
            await toggle.click()
            menu = page.locator('.nav-drawer').getByTestId('nav-menu')
          } else {
            assert.equal(await page.getByTestId('nav-toggle').count(), 0, 'no hamburger at desktop width')
            menu = page.getByTestId('sidebar').getByTestId('nav-menu')
          }
          await menu.waitFor({ state: 'visible' })
          await menu.getByText(home.heading).waitFor({ state: 'visible' })
          // Let the drawer's slide-in finish before the screenshot.
          await page.waitForTimeout(400)
          for (const title of ['我的账号', ...account.nav]) {
            assert.equal(await menu.getByText(title, { exact: true }).count(), 1, `menu offers ${title}`)
          }
          for (const title of account.notNav) {
            assert.equal(await menu.getByText(title, { exact: true }).count(), 0, `menu hides ${title}`)
          }
          await assertNoHorizontalScroll(page, `${account.username} navigation open`)
          await page.screenshot({ path: join(artifactsDir, `${account.username}-${viewport.width}.png`) })
          if (viewport.mobile) {
            await page.keyboard.press('Escape')
            await menu.waitFor({ state: 'hidden' })
          }

          // A reload drops the in-memory token; the refresh cookie restores the session silently.
          await page.reload()
          await assertHome(page, home)
          await page.getByTestId('user-name').waitFor({ state: 'visible' })

          await logout(page)
          // After logging out, the session must not come back on reload.
          await page.goto(`${baseUrl}${home.path}`)
          await page.waitForURL((url) => url.pathname === '/login')
          assert.deepEqual(problems, [], 'no uncaught page errors')
        } finally {
          await context.close()
        }
      })
    }
  }

  for (const viewport of VIEWPORTS) {
    test(`city.admin @ ${viewport.width}px: users, API tokens and audit log pages`, async () => {
      const { context, page, problems } = await newPage(viewport)
      const suffix = String(viewport.width)
      const username = `e2e.user.${suffix}`
      const rowOf = (text) => page.locator('.el-table__body tr, article.card').filter({ hasText: text })
      const openPage = async (title, path) => {
        if (viewport.mobile) await page.getByTestId('nav-toggle').click()
        const menu = page.locator(viewport.mobile ? '.nav-drawer' : '[data-testid="sidebar"]').getByTestId('nav-menu')
        await menu.getByText(title, { exact: true }).click()
        await page.waitForURL((url) => url.pathname === path)
        await page.locator('h1.page-title', { hasText: title }).waitFor({ state: 'visible' })
        if (viewport.mobile) await menu.waitFor({ state: 'hidden' })
      }
      const confirmBox = async (button) => {
        await page.locator('.el-message-box').getByRole('button', { name: button }).click()
        await page.locator('.el-message-box').waitFor({ state: 'hidden' })
      }
      try {
        await login(page, 'city.admin')
        await assertHome(page, HOMES.city)

        // Users: create (validated while typing), find, disable.
        await openPage('用户管理', '/users')
        await rowOf('county.haigang').first().waitFor({ state: 'visible' })
        await assertNoHorizontalScroll(page, 'users page')
        await page.getByTestId('create-user').click()
        const dialog = page.locator('.el-dialog', { hasText: '新建用户' })
        await dialog.waitFor({ state: 'visible' })
        await dialog.locator('.el-form-item', { hasText: '用户名' }).locator('input').fill(username)
        await dialog.locator('.el-form-item', { hasText: '姓名' }).locator('input').fill('端到端测试')
        const password = dialog.locator('.el-form-item', { hasText: '初始密码' }).locator('input')
        await password.fill('abc')
        await dialog.getByText('密码至少 8 位', { exact: true }).waitFor({ state: 'visible' })
        await password.fill('Testing#2024')
        await dialog.getByText('密码至少 8 位', { exact: true }).waitFor({ state: 'hidden' })
        await assertNoHorizontalScroll(page, 'create-user dialog')
        await page.screenshot({ path: join(artifactsDir, `city.admin-user-dialog-${suffix}.png`) })
        await dialog.getByRole('button', { name: '创建' }).click()
        await dialog.waitFor({ state: 'hidden' })
        await page.getByPlaceholder('搜索用户名、姓名、手机号').fill(username)
        await page.waitForFunction(
          (name) => {
            const rows = [...document.querySelectorAll('.el-table__body tr, article.card')]
            return rows.length === 1 && rows[0].textContent.includes(name)
          },
          username,
        )
        await rowOf(username).getByRole('button', { name: '停用' }).click()
        await confirmBox('停用')
        await rowOf(username).getByText('已停用').waitFor({ state: 'visible' })
        await assertNoHorizontalScroll(page, 'users page after changes')
        await page.screenshot({ path: join(artifactsDir, `city.admin-users-${suffix}.png`), fullPage: true })

        // API tokens: the plaintext is shown once, then the token is revoked.
        await openPage('接口令牌', '/api-tokens')
        await page.getByTestId('create-token').click()
        const tokenDialog = page.locator('.el-dialog', { hasText: '接口令牌' })
        await tokenDialog.locator('input').fill(`e2e-token-${suffix}`)
        await tokenDialog.getByRole('button', { name: '创建' }).click()
        // el-input forwards data-testid to its native <input>.
        const plaintext = page.getByTestId('token-plaintext')
        await plaintext.waitFor({ state: 'visible' })
        assert.ok(((await plaintext.inputValue()) ?? '').length >= 16, 'the plaintext token is shown')
        await page.getByText('令牌明文只显示这一次', { exact: false }).waitFor({ state: 'visible' })
        await assertNoHorizontalScroll(page, 'token created dialog')
        await page.screenshot({ path: join(artifactsDir, `city.admin-token-created-${suffix}.png`) })
        await page.getByRole('button', { name: '我已保存，关闭' }).click()
        await page.getByTestId('token-plaintext').waitFor({ state: 'detached' })
        await rowOf(`e2e-token-${suffix}`).getByRole('button', { name: '吊销' }).click()
        await confirmBox('吊销')
        await rowOf(`e2e-token-${suffix}`).getByText('已吊销').waitFor({ state: 'visible' })
        await assertNoHorizontalScroll(page, 'api tokens page')
        // /api-tokens must reach the SPA on a reload, not the API.
        await page.reload()
        await page.locator('h1.page-title', { hasText: '接口令牌' }).waitFor({ state: 'visible' })
        await rowOf(`e2e-token-${suffix}`).waitFor({ state: 'visible' })

        // Audit log: the user created above is there, with its before/after changes.
        await openPage('审计日志', '/audit')
        const created = rowOf('新增用户').first()
        await created.waitFor({ state: 'visible' })
        if (viewport.mobile) await created.getByRole('button', { name: '查看详情' }).click()
        else await created.locator('.el-table__expand-icon').click()
        const changes = page.locator('table.changes').first()
        await changes.waitFor({ state: 'visible' })
        assert.match((await changes.textContent()) ?? '', /变更前.*变更后.*username/s)
        await assertNoHorizontalScroll(page, 'audit page')
        await page.screenshot({ path: join(artifactsDir, `city.admin-audit-${suffix}.png`) })
        assert.deepEqual(problems, [], 'no uncaught page errors')
      } finally {
        await context.close()
      }
    })
  }

  test('an unknown path shows the 404 page', async () => {
    const { context, page } = await newPage(VIEWPORTS[0])
    try {
      const response = await page.goto(`${baseUrl}/no/such/page`)
      assert.equal(response?.status(), 200, 'the backend serves the SPA for client routes')
      await page.getByText('页面不存在').first().waitFor({ state: 'visible' })
      assert.equal(new URL(page.url()).pathname, '/no/such/page')
      await assertNoHorizontalScroll(page, '404 page')
    } finally {
      await context.close()
    }
  })

  test('a county user opening /audit is sent to its home', async () => {
    const { context, page } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'county.haigang')
      await assertHome(page, HOMES.county)
      await page.goto(`${baseUrl}/audit`)
      await assertHome(page, HOMES.county)
      // The 404 page also shows inside a signed-in session.
      await page.goto(`${baseUrl}/definitely-not-here`)
      await page.getByText('页面不存在').first().waitFor({ state: 'visible' })
      await page.getByRole('button', { name: '返回工作台' }).click()
      await assertHome(page, HOMES.county)
    } finally {
      await context.close()
    }
  })

  test('a wrong password shows a clear Chinese error', async () => {
    const { context, page } = await newPage(VIEWPORTS[0])
    try {
      await page.goto(`${baseUrl}/login`)
      await page.locator('input[name="username"]').fill('expert.2')
      await page.locator('input[name="password"]').fill('wrong-password')
      await page.getByTestId('login-submit').click()
      const error = page.getByTestId('login-error')
      await error.waitFor({ state: 'visible' })
      assert.match((await error.textContent()) ?? '', /用户名或密码错误/)
      assert.equal(new URL(page.url()).pathname, '/login')
    } finally {
      await context.close()
    }
  })
})
