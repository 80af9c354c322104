// End-to-end checks of the home page's 问题统计 card against the real backend (see harness.mjs): the city admin sees
// the same totals as `GET /api/v1/dashboard/counts` on a desktop and on a phone, a county only its own county, an
// agency no card at all.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { apiJson, apiToken } from './fixtures.mjs'
import { artifactsDir, assertHome, assertNoHorizontalScroll, backend, HOMES, login, newPage, useBackend, VIEWPORTS } from './harness.mjs'

const text = async (locator) => ((await locator.textContent()) ?? '').trim()
const sum = (rows) => rows.reduce((total, row) => total + row.count, 0)
const countyLabel = (row) => (row.county_id === null ? '未归属县区' : row.county_name.replace(/应急管理局$/, ''))

/** What the API answers each account for the current campaign (the card shows that campaign's counts). */
async function expectedFor(username) {
  const token = await apiToken(username)
  const campaign = await apiJson(token, 'GET', '/api/v1/campaigns/current')
  const counts = await apiJson(token, 'GET', `/api/v1/dashboard/counts?campaign_id=${campaign.id}`)
  const total = sum(counts.findings_by_county)
  const accepted = sum(counts.findings_by_county.filter((row) => row.status === 'accepted'))
  const counties = new Map()
  for (const row of counts.findings_by_county) {
    const key = row.county_id ?? 'none'
    const county = counties.get(key) ?? { label: countyLabel(row), total: 0 }
    county.total += row.count
    counties.set(key, county)
  }
  const byCode = new Map()
  for (const row of counts.findings_by_code) byCode.set(row.code, (byCode.get(row.code) ?? 0) + row.count)
  return { campaignId: campaign.id, counts, total, accepted, counties: [...counties.values()], byCode }
}

/** The card once it shows the current campaign's counts (it may first show all campaigns, before that one loads). */
async function readyCard(page, campaignId) {
  const card = page.locator(`[data-testid="findings-overview-card"][data-campaign-id="${campaignId}"][data-state="ready"]`)
  await card.waitFor({ state: 'visible' })
  return card
}

const expected = {}

describe('Anping dashboard card (e2e)', () => {
  useBackend()

  before(async () => {
    expected.city = await expectedFor('city.admin')
    expected.county = await expectedFor('county.haigang')
    assert.ok(expected.city.total > 0, 'the demo data has findings')
    assert.ok(expected.city.counties.length > 1, 'the demo findings span several counties')
  })

  for (const viewport of VIEWPORTS) {
    test(`city.admin @ ${viewport.width}px: the card's totals are the API's`, async () => {
      const want = expected.city
      const { context, page, problems } = await newPage(viewport)
      try {
        await login(page, 'city.admin')
        await assertHome(page, HOMES.city)
        const card = await readyCard(page, want.campaignId)
        assert.equal(await text(card.locator('.card-head')), '问题统计')
        assert.equal(Number(await text(card.getByTestId('findings-total'))), want.total)
        assert.equal(Number(await text(card.getByTestId('findings-accepted'))), want.accepted)
        assert.equal(Number(await text(card.getByTestId('findings-unaccepted'))), want.total - want.accepted)

        // County × status: one row per county the API counted (in the API's order), then the totals.
        const counties = card.getByTestId('county-status-table')
        assert.deepEqual(
          (await counties.getByTestId('county-row-name').allTextContents()).map((t) => t.trim()),
          want.counties.map((c) => c.label),
        )
        const rowTotals = (await counties.getByTestId('row-total').allTextContents()).map(Number)
        assert.deepEqual(rowTotals, [...want.counties.map((c) => c.total), want.total], 'row totals, then the grand total')
        await counties.getByTestId('county-total-row').waitFor({ state: 'visible' })

        // Per code: the nine codes, then the totals.
        const codes = card.getByTestId('code-status-table')
        const codeTotals = (await codes.getByTestId('row-total').allTextContents()).map(Number)
        const CODES = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'R1', 'R2', 'R3', 'R4']
        assert.deepEqual(codeTotals, [...CODES.map((code) => want.byCode.get(code) ?? 0), want.total])

        if (want.counts.self_checks_by_county.length > 0) {
          await card.getByTestId('self-check-table').waitFor({ state: 'visible' })
          const selfCheckCounties = new Set(want.counts.self_checks_by_county.map((row) => row.county_id))
          assert.equal(await card.getByTestId('self-check-row').count(), selfCheckCounties.size)
        }
        assert.match(await text(card.getByTestId('computed-at')), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)

        if (viewport.mobile) {
          assert.equal(await card.locator('.el-table').count(), 0, 'cards, not tables, below 768 px')
          assert.equal(await counties.getByTestId('county-row').count(), want.counties.length)
          await assertNoHorizontalScroll(page, 'city home with the dashboard card')
        } else {
          // The county column stays in view when the table scrolls sideways.
          const first = counties.locator('.el-table__body tr').first().locator('td').first()
          assert.equal(await first.evaluate((cell) => getComputedStyle(cell).position), 'sticky')
        }
        await card.screenshot({ path: join(artifactsDir, `dashboard-city-${viewport.width}.png`) })
        assert.deepEqual(problems, [], 'no uncaught page errors')
      } finally {
        await context.close()
      }
    })
  }

  test('county.haigang @ 375px: sees only its own county', async () => {
    const want = expected.county
    assert.equal(want.counts.findings_by_county.every((row) => row.county_name === '海港区应急管理局'), true, 'the API scopes a county to itself')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'county.haigang')
      await assertHome(page, HOMES.county)
      const card = await readyCard(page, want.campaignId)
      if (want.total === 0) {
        await card.getByTestId('overview-empty').getByText('暂无问题记录').waitFor({ state: 'visible' })
      } else {
        assert.equal(Number(await text(card.getByTestId('findings-total'))), want.total)
        const names = (await card.getByTestId('county-row-name').allTextContents()).map((t) => t.trim())
        assert.deepEqual(names, ['海港区'])
        // One county needs no totals row.
        assert.equal(await card.getByTestId('county-total-row').count(), 0)
      }
      for (const row of await card.getByTestId('self-check-row').all()) {
        assert.equal(await row.getAttribute('data-county-id'), String(want.counts.self_checks_by_county[0].county_id))
      }
      await assertNoHorizontalScroll(page, 'county home with the dashboard card')
      await card.screenshot({ path: join(artifactsDir, 'dashboard-county.haigang-375.png') })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 375px: an error offers a retry, which shows the skeleton and then the empty state', async () => {
    const want = expected.city
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    // The counts fail until the test lets them through; then they come back empty, when the test says so.
    const gate = { failures: 0, open: false, release: null }
    const released = new Promise((resolve) => (gate.release = resolve))
    await page.route('**/api/v1/dashboard/counts*', async (route) => {
      if (!gate.open) {
        gate.failures += 1
        await route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: '统计服务暂不可用' }),
        })
        return
      }
      await released
      const empty = { findings_by_county: [], findings_by_code: [], self_checks_by_county: [], computed_at: new Date().toISOString(), data_version: 0 }
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(empty) })
    })
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await page.getByTestId('current-campaign-card').getByTestId('current-phase').waitFor({ state: 'visible' })
      // Both requests (before and after the current campaign is known) have failed.
      await page.waitForFunction(() => document.querySelector('[data-testid="findings-overview-card"]')?.getAttribute('data-state') === 'error')
      assert.equal(gate.failures, 2)
      const card = page.getByTestId('findings-overview-card')
      await card.getByTestId('overview-error').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'dashboard card error')

      gate.open = true
      await card.getByTestId('overview-retry').click()
      await card.getByTestId('overview-skeleton').waitFor({ state: 'visible' })
      gate.release()
      const ready = page.locator(`[data-testid="findings-overview-card"][data-campaign-id="${want.campaignId}"][data-state="empty"]`)
      await ready.getByTestId('overview-empty').getByText('暂无问题记录').waitFor({ state: 'visible' })
      assert.equal(await card.getByTestId('overview-error').count(), 0)
      assert.equal(await card.getByTestId('findings-total').count(), 0)
      assert.match(await text(card.getByTestId('computed-at')), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('agency.a.admin @ 1440px: no dashboard card (and no access to the counts)', async () => {
    const token = await apiToken('agency.a.admin')
    const denied = await fetch(`${backend.baseUrl}/api/v1/dashboard/counts`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(denied.status, 403)
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'agency.a.admin')
      await assertHome(page, HOMES.agency)
      // Wait for the rest of the home page, so a card that would come late would be there by now.
      await page.getByTestId('current-campaign-card').getByTestId('current-phase').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('findings-overview-card').count(), 0)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })
})
