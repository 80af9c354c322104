// End-to-end checks of 自查自改 / 自查督导 / 问题清单 against the real backend (see harness.mjs).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
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
  useBackend,
} from './harness.mjs'

describe('Anping self-checks and findings (e2e)', () => {
  useBackend()

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
