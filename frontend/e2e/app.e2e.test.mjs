// End-to-end check of the SPA against the real backend, in Debian's Chromium via playwright-core (see harness.mjs).
// Screenshots go to frontend/e2e/artifacts/ (gitignored).
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { readZip, rowCells, withCell, writeZip } from './xlsx-zip.mjs'
import {
  artifactsDir,
  HOMES,
  VIEWPORTS,
  listRows,
  newPage,
  login,
  assertNoHorizontalScroll,
  assertHome,
  settle,
  openFromMenu,
  confirmMessageBox,
  logout,
  backend,
  useBackend,
} from './harness.mjs'

const CITY_NAV = ['专项整治', '评价机构', '评价人员', '企业', '评价项目', '联络员', '县区报送', '报告调阅', '用户管理', '接口令牌', '审计日志']
const COUNTY_NAV = ['报告调阅', '企业', '评价项目', '评价机构', '评价人员', '联络员', '县区报送', '用户管理', '接口令牌']
const AGENCY_NAV = ['报告调阅', '本机构信息', '评价人员', '评价项目', '用户管理', '接口令牌']
const REGISTRY_NAV = ['专项整治', '评价机构', '本机构信息', '评价人员', '企业', '评价项目', '联络员', '县区报送']

/** The demo accounts and what their navigation must (not) offer, in order. */
const ACCOUNTS = [
  { username: 'city.admin', role: 'city', nav: CITY_NAV, notNav: ['本机构信息'] },
  { username: 'county.haigang', role: 'county', nav: COUNTY_NAV, notNav: ['审计日志', '专项整治', '本机构信息'] },
  { username: 'county.changli', role: 'county', nav: COUNTY_NAV, notNav: ['审计日志', '专项整治', '本机构信息'] },
  { username: 'agency.a.admin', role: 'agency', nav: AGENCY_NAV, notNav: ['审计日志', '专项整治', '评价机构', '企业', '联络员', '县区报送'] },
  { username: 'agency.a.branch', role: 'agency', nav: AGENCY_NAV, notNav: ['审计日志', '专项整治', '评价机构', '企业', '联络员', '县区报送'] },
  { username: 'agency.b.admin', role: 'agency', nav: AGENCY_NAV, notNav: ['审计日志', '专项整治', '评价机构', '企业', '联络员', '县区报送'] },
  { username: 'expert.1', role: 'expert', nav: [], notNav: ['用户管理', '接口令牌', '审计日志', '报告调阅', ...REGISTRY_NAV] },
  { username: 'expert.2', role: 'expert', nav: [], notNav: ['用户管理', '接口令牌', '审计日志', '报告调阅', ...REGISTRY_NAV] },
]

describe('Anping SPA shell (e2e)', () => {
  useBackend()

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
          // The current campaign's card: its phase and every deadline with the days left.
          const campaignCard = page.getByTestId('current-campaign-card')
          await campaignCard.getByTestId('current-phase').waitFor({ state: 'visible' })
          assert.equal(await campaignCard.getByTestId('deadline-list').locator('li').count(), 5, 'five deadlines')
          if (account.role === 'city' || account.role === 'county') {
            await page.getByTestId('county-work-card').locator('.el-tag').first().waitFor({ state: 'visible' })
          }
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
          const offered = (await menu.locator('.el-menu-item').allTextContents()).map((t) => t.trim())
          assert.deepEqual(
            offered.filter((t) => account.nav.includes(t)),
            account.nav,
            `menu order for ${account.role}`,
          )
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
          await page.goto(`${backend.baseUrl}${home.path}`)
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

  test('county.haigang @ 375px: registers an enterprise (credit code checked while typing), lists valid projects, opens one', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'county.haigang')
      await assertHome(page, HOMES.county)

      await openFromMenu(page, true, '企业', '/enterprises')
      await listRows(page).first().waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'enterprises list')
      await page.getByTestId('create-enterprise').click()
      const dialog = page.locator('.el-dialog', { hasText: '登记企业' })
      await dialog.waitFor({ state: 'visible' })
      await dialog.locator('.el-form-item', { hasText: '企业名称' }).locator('input').fill('秦皇岛端到端化工有限公司')
      const creditCode = dialog.locator('.el-form-item', { hasText: '统一社会信用代码' }).locator('input')
      await creditCode.fill('91350100M000100Y44')
      const inlineError = dialog.getByText('统一社会信用代码校验位不正确，请核对', { exact: true })
      await inlineError.waitFor({ state: 'visible' })
      await dialog.locator('.el-checkbox', { hasText: '储存' }).click()
      await assertNoHorizontalScroll(page, 'enterprise dialog')
      await page.screenshot({ path: join(artifactsDir, 'county.haigang-enterprise-dialog-375.png') })
      await creditCode.fill('91350100M000100Y43')
      await inlineError.waitFor({ state: 'hidden' })
      await dialog.getByTestId('save-enterprise').click()
      await page.waitForURL((url) => /^\/enterprises\/\d+$/.test(url.pathname))
      await settle(page)
      assert.equal((await page.getByTestId('enterprise-name').textContent())?.trim(), '秦皇岛端到端化工有限公司')
      await page.getByText('91350100M000100Y43').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'enterprise detail')

      // Projects, narrowed to those still valid today.
      await openFromMenu(page, true, '评价项目', '/projects')
      await listRows(page).first().waitFor({ state: 'visible' })
      const filtered = page.waitForResponse((r) => r.url().includes('/api/v1/projects?') && r.url().includes('valid=true'))
      await page.getByTestId('valid-switch').click()
      assert.equal((await filtered).status(), 200)
      await settle(page)
      const cards = page.locator('article.card')
      const count = await cards.count()
      assert.ok(count > 0, 'the county has valid projects')
      const validity = await page.getByTestId('validity').allTextContents()
      assert.deepEqual(
        validity.map((t) => t.trim()),
        Array(count).fill('有效'),
        'every listed project is valid',
      )
      await assertNoHorizontalScroll(page, 'projects list')
      await page.screenshot({ path: join(artifactsDir, 'county.haigang-projects-375.png') })
      const first = cards.first().locator('.card-title a')
      const title = (await first.textContent())?.trim()
      await first.click()
      await page.waitForURL((url) => /^\/projects\/\d+$/.test(url.pathname))
      await settle(page)
      assert.equal((await page.getByTestId('project-name').textContent())?.trim(), title)
      await page.getByTestId('members').waitFor({ state: 'visible' })
      await page.getByTestId('site-visits').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'project detail')
      await page.screenshot({ path: join(artifactsDir, 'county.haigang-project-375.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('county.changli @ 375px: reports its liaison table and its work plan (draft kept across a reload)', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'county.changli')
      await assertHome(page, HOMES.county)

      await openFromMenu(page, true, '联络员', '/liaisons')
      await listRows(page).first().waitFor({ state: 'visible' })
      const status = page.getByTestId('liaison-status-tag')
      await status.waitFor({ state: 'visible' })
      await page.getByTestId('submit-liaison-table').click()
      await confirmMessageBox(page, '报送')
      await page.waitForFunction(
        () => /按时报送|逾期报送/.test(document.querySelector('[data-testid="liaison-status-tag"]')?.textContent ?? ''),
      )
      await assertNoHorizontalScroll(page, 'liaisons page')

      // 附件5 round trip: the exported table imports back without errors.
      const liaisonCount = await listRows(page).count()
      const [liaisonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()])
      assert.match(liaisonDownload.suggestedFilename(), /^附件5_.*\.xlsx$/)
      const liaisonFile = join(backend.tempDir, 'annex5-changli.xlsx')
      await liaisonDownload.saveAs(liaisonFile)
      await page.getByTestId('import').click()
      const liaisonImport = page.locator('.el-dialog', { hasText: '导入附件5' })
      await liaisonImport.getByTestId('liaison-import-file').setInputFiles(liaisonFile)
      await liaisonImport.getByTestId('liaison-import-summary').waitFor({ state: 'visible' })
      assert.equal((await liaisonImport.getByTestId('liaison-import-error-count').textContent())?.trim(), '0')
      assert.equal(Number(await liaisonImport.getByTestId('liaison-import-total').textContent()), liaisonCount)
      await assertNoHorizontalScroll(page, 'liaison import dialog')
      await liaisonImport.getByTestId('liaison-import-commit').click()
      await liaisonImport.waitFor({ state: 'hidden' })
      await page.getByText(`已导入 ${liaisonCount} 名联络员`).waitFor({ state: 'visible' })

      await openFromMenu(page, true, '县区报送', '/county-progress')
      const plan = page.getByTestId('work-plan')
      await plan.waitFor({ state: 'visible' })
      assert.match((await plan.getByTestId('work-plan-status').textContent()) ?? '', /已逾期未报|未报送/)
      await plan.locator('input[data-testid="work-plan-title"]').fill('昌黎县安全评价机构执业行为专项整治工作计划')
      await plan.locator('textarea[data-testid="work-plan-content"]').fill('一、工作目标\n二、工作安排\n三、保障措施')
      await plan.getByText('草稿已自动保存', { exact: false }).waitFor({ state: 'visible' })
      await page.reload()
      await settle(page)
      assert.equal(
        await page.locator('input[data-testid="work-plan-title"]').inputValue(),
        '昌黎县安全评价机构执业行为专项整治工作计划',
        'the draft survives a reload',
      )
      await assertNoHorizontalScroll(page, 'county progress page')
      await page.getByTestId('submit-work-plan').click()
      await page.waitForFunction(() =>
        /按时报送|逾期报送/.test(document.querySelector('[data-testid="work-plan-status"]')?.textContent ?? ''),
      )
      const row = listRows(page).filter({ hasText: '昌黎县' })
      await row.getByText(/按时报送|逾期报送/).nth(1).waitFor({ state: 'visible' })
      await page.getByText('输入的内容会自动保存为草稿').waitFor({ state: 'visible' })
      await page.screenshot({ path: join(artifactsDir, 'county.changli-work-plan-375.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 1440px: agency change history, 附件1 export, import preview and commit', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await page.getByTestId('county-work-card').waitFor({ state: 'visible' })

      // An agency with a name change not yet filed with the approval authority.
      await openFromMenu(page, false, '评价机构', '/agencies')
      await page.locator('.el-table__body a', { hasText: '秦皇岛衡安安全技术咨询有限公司' }).click()
      await page.waitForURL((url) => /^\/agencies\/\d+$/.test(url.pathname))
      await settle(page)
      const history = page.getByTestId('change-history')
      await history.locator('.el-table__body tr', { hasText: '机构名称' }).waitFor({ state: 'visible' })
      await history.getByText('秦皇岛衡安安全咨询有限公司').waitFor({ state: 'visible' })
      await page.getByTestId('unregistered-changes').waitFor({ state: 'visible' })
      await page.screenshot({ path: join(artifactsDir, 'city.admin-agency-1440.png'), fullPage: true })
      await history.getByRole('button', { name: '标记已办理变更' }).click()
      const register = page.locator('.el-dialog', { hasText: '向审批机关办理变更的日期' })
      await register.getByRole('button', { name: '确定' }).click()
      await register.waitFor({ state: 'hidden' })
      await page.getByTestId('unregistered-changes').waitFor({ state: 'detached' })
      // Changing the technical director asks when it took effect and records a change.
      await page.getByTestId('edit-agency').click()
      const edit = page.locator('.el-dialog', { hasText: '编辑机构信息' })
      await edit.locator('.el-form-item', { hasText: '技术负责人' }).locator('input').fill('端到端')
      await edit.getByTestId('change-box').waitFor({ state: 'visible' })
      await edit.getByTestId('save-agency').click()
      await edit.waitFor({ state: 'hidden' })
      await history.locator('.el-table__body tr', { hasText: '端到端' }).getByText('未办理').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'agency detail')

      // 附件1: export what the list shows, then import it back (no errors, every row an update).
      await openFromMenu(page, false, '评价项目', '/projects')
      await listRows(page).first().waitFor({ state: 'visible' })
      const total = Number(/共 (\d+) 条/.exec((await page.locator('.el-pagination__total').textContent()) ?? '')?.[1])
      assert.ok(total > 0, 'projects are listed')
      const [exportResponse, download] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/projects/export')),
        page.waitForEvent('download'),
        page.getByTestId('export').click(),
      ])
      assert.equal(exportResponse.status(), 200)
      assert.match(exportResponse.headers()['content-type'] ?? '', /spreadsheetml\.sheet/)
      assert.match(download.suggestedFilename(), /^附件1_.*\.xlsx$/)
      const exported = join(backend.tempDir, 'annex1-export.xlsx')
      await download.saveAs(exported)
      const workbook = readZip(await readFile(exported))
      const headers = rowCells(workbook, 1)
      const creditColumn = Object.keys(headers).find((column) => headers[column] === '企业统一社会信用代码')
      assert.ok(creditColumn, 'the export has the 附件1 columns')
      const broken = join(backend.tempDir, 'annex1-broken.xlsx')
      await writeFile(broken, writeZip(withCell(workbook, `${creditColumn}2`, '91350100M000100Y44')))

      await page.getByTestId('import').click()
      const importDialog = page.locator('.el-dialog', { hasText: '导入附件1' })
      await importDialog.waitFor({ state: 'visible' })
      const commit = importDialog.getByTestId('import-commit')
      await importDialog.getByTestId('import-file').setInputFiles(exported)
      await importDialog.getByTestId('import-summary').waitFor({ state: 'visible' })
      assert.equal((await importDialog.getByTestId('import-error-count').textContent())?.trim(), '0')
      assert.equal(Number(await importDialog.getByTestId('import-updated').textContent()), total, 'every exported row updates its project')
      assert.equal((await importDialog.getByTestId('import-created').textContent())?.trim(), '0')
      assert.equal(await commit.isEnabled(), true, '确认导入 is enabled without errors')

      await importDialog.getByTestId('import-file').setInputFiles(broken)
      const errors = importDialog.getByTestId('import-errors')
      await errors.waitFor({ state: 'visible' })
      const errorRow = errors.locator('.el-table__body tr').first()
      assert.match((await errorRow.textContent()) ?? '', /第 2 行.*企业统一社会信用代码.*统一社会信用代码校验位不正确，请核对/s)
      assert.equal((await importDialog.getByTestId('import-error-count').textContent())?.trim(), '1')
      assert.equal(await commit.isDisabled(), true, '确认导入 is disabled while there are errors')
      await page.screenshot({ path: join(artifactsDir, 'city.admin-import-errors-1440.png') })

      await importDialog.getByTestId('import-file').setInputFiles(exported)
      await importDialog.getByTestId('import-errors').waitFor({ state: 'detached' })
      await commit.click()
      await importDialog.waitFor({ state: 'hidden' })
      await page.getByText(`已导入：新增 0 个、更新 ${total} 个项目`).waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'projects page after import')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('every registry page at 375px fits the screen (no horizontal scroll)', async () => {
    const visits = {
      'city.admin': [
        '/campaigns',
        '/agencies',
        '/agencies/11',
        '/evaluators',
        '/evaluators/1',
        '/enterprises',
        '/enterprises/1',
        '/projects',
        '/projects/1',
        '/projects/new',
        '/projects/1/edit',
        '/liaisons',
        '/county-progress',
      ],
      'agency.a.admin': ['/my-agency', '/evaluators', '/projects'],
    }
    for (const [username, paths] of Object.entries(visits)) {
      const { context, page, problems } = await newPage(VIEWPORTS[0])
      try {
        await login(page, username)
        await page.waitForURL((url) => url.pathname !== '/login')
        for (const path of paths) {
          await page.goto(`${backend.baseUrl}${path}`)
          await settle(page)
          if (path === '/my-agency') await page.getByTestId('agency-name').waitFor({ state: 'visible' })
          await assertNoHorizontalScroll(page, `${username} ${path}`)
          await page.screenshot({ path: join(artifactsDir, `${username}${path.replaceAll('/', '_')}-375.png`), fullPage: true })
        }
        // Dialogs, too.
        if (username === 'city.admin') {
          await page.goto(`${backend.baseUrl}/campaigns`)
          await settle(page)
          await listRows(page).first().getByRole('button', { name: '编辑' }).click()
          await page.locator('.el-dialog', { hasText: '编辑专项整治' }).waitFor({ state: 'visible' })
          await assertNoHorizontalScroll(page, 'campaign dialog')
          await page.keyboard.press('Escape')
          await page.goto(`${backend.baseUrl}/agencies/11`)
          await settle(page)
          await page.getByTestId('edit-agency').click()
          await page.locator('.el-dialog', { hasText: '编辑机构信息' }).waitFor({ state: 'visible' })
          await assertNoHorizontalScroll(page, 'agency dialog')
          await page.keyboard.press('Escape')
          await page.goto(`${backend.baseUrl}/evaluators/1`)
          await settle(page)
          await page.getByTestId('verify').click()
          await page.locator('.el-dialog', { hasText: '记录核查' }).waitFor({ state: 'visible' })
          await assertNoHorizontalScroll(page, 'verification dialog')
        }
        assert.deepEqual(problems, [], 'no uncaught page errors')
      } finally {
        await context.close()
      }
    }
  })

  test('an unknown path shows the 404 page', async () => {
    const { context, page } = await newPage(VIEWPORTS[0])
    try {
      const response = await page.goto(`${backend.baseUrl}/no/such/page`)
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
      await page.goto(`${backend.baseUrl}/audit`)
      await assertHome(page, HOMES.county)
      // The 404 page also shows inside a signed-in session.
      await page.goto(`${backend.baseUrl}/definitely-not-here`)
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
      await page.goto(`${backend.baseUrl}/login`)
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
