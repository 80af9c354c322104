// End-to-end checks of the expert's side of 专家审查 against the real backend (see harness.mjs): the city assigns a
// submitted report to 周专家 (expert.1); the expert opens it from 审查任务, reads the report in the in-page PDF
// viewer, fills the checklist (autosaved, kept over reloads and a lost connection), is told what is missing,
// signs and submits, downloads the 审查意见书, and corrects it as version 2. Once per viewport, each on a report
// of its own. Before that, the home page counts the new tasks and opens them in 审查任务.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { apiJson, apiToken } from './fixtures.mjs'
import {
  artifactsDir,
  assertHome,
  assertNoHorizontalScroll,
  backend,
  confirmMessageBox,
  HOMES,
  listRows,
  login,
  newPage,
  openFromMenu,
  settle,
  useBackend,
  VIEWPORTS,
} from './harness.mjs'

const EXPERT = { username: 'expert.1', fullName: '周专家' }
const OPINION = '报告对重大危险源辨识分级存在严重错误，其余内容基本符合要求。'
const CORRECTION = 'SS05 页码注明有误，补充说明'

/**
 * A report as some tools write Chinese PDFs: the font not embedded (STSong-Light, UniGB-UCS2-H), so pdf.js needs
 * its bundled character maps. One line per page: `安全评价报告第 N 页`.
 */
function chinesePdf(pages) {
  const objects = []
  const add = (body) => objects.push(body)
  add(null) // 1: catalog, 2: pages, filled in below
  add(null)
  add('<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>')
  add('<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 3 0 R >>')
  add('<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>')
  const kids = []
  for (let n = 1; n <= pages; n += 1) {
    const hex = [...`安全评价报告第 ${n} 页`].map((c) => c.codePointAt(0).toString(16).padStart(4, '0')).join('')
    const content = `BT /F1 28 Tf 72 700 Td <${hex}> Tj ET\n`
    const contentId = add(`<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}endstream`)
    kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents ${contentId} 0 R >>`))
  }
  objects[0] = '<< /Type /Catalog /Pages 2 0 R >>'
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${pages} >>`
  const parts = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  let length = parts[0].length
  const offsets = objects.map((body, index) => {
    const offset = length
    const part = Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1')
    parts.push(part)
    length += part.length
    return offset
  })
  const table = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')
  parts.push(Buffer.from(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${table}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'))
  return Buffer.concat(parts)
}

/** One assignment per viewport, made by the city before the pages open. */
const assignments = []

const text = async (locator) => ((await locator.textContent()) ?? '').trim()
const item = (page, code) => page.locator(`[data-testid="check-item"][data-code="${code}"]`)
const isChecked = async (radio) => (await radio.getAttribute('class'))?.includes('is-checked') ?? false
const isOpinionCall = (response, method, pattern) => response.request().method() === method && pattern.test(new URL(response.url()).pathname)

/** Until the save line says 已保存 HH:mm:ss. */
async function waitSaved(page) {
  await page.waitForFunction(() => /^已保存 \d{2}:\d{2}:\d{2}$/.test(document.querySelector('[data-testid="save-state"]')?.textContent?.trim() ?? ''), null, {
    timeout: 15_000,
  })
}

async function showPane(page, mobile, name) {
  if (!mobile) return
  await page.getByTestId('pane-switch').getByText(name, { exact: true }).click()
}

/** Picks evaluators in an item's multi-select (the options are teleported to the body). */
async function pickEvaluator(page, scope, name) {
  await scope.getByTestId('evaluator-select').click()
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: name }).first()
  await option.click()
  await page.keyboard.press('Escape')
}

describe('Anping expert review, the expert’s side (e2e)', () => {
  useBackend()

  before(async () => {
    const city = await apiToken('city.admin')
    const experts = await apiJson(city, 'GET', `/api/v1/experts?q=${encodeURIComponent(EXPERT.fullName)}`)
    const expert = experts.items.find((e) => e.username === EXPERT.username)
    assert.ok(expert, `${EXPERT.username} is in the expert pool`)
    const panels = await apiJson(city, 'GET', '/api/v1/review-panels?page_size=200')
    // Undecided reports first; one the expert already reviews, or whose agency it must avoid, is skipped.
    const candidates = [...panels.items].sort((a, b) => Number(a.decision !== null) - Number(b.decision !== null))
    for (const report of candidates) {
      if (assignments.length === VIEWPORTS.length) break
      const response = await fetch(`${backend.baseUrl}/api/v1/review-assignments`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${city}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ retrieval_item_ids: [report.retrieval_item_id], expert_ids: [expert.id] }),
      })
      const body = await response.text()
      if (response.status === 422 || response.status === 409) continue
      assert.equal(response.status, 201, `assigning report ${report.retrieval_item_id}: ${body}`)
      // An expert already on the report is not assigned twice (nothing created).
      const [created] = JSON.parse(body)
      if (created) assignments.push(created)
    }
    assert.equal(assignments.length, VIEWPORTS.length, `found ${VIEWPORTS.length} reports to assign (of ${panels.items.length})`)

    const token = await apiToken(EXPERT.username)
    for (const assignment of assignments) {
      const detail = await apiJson(token, 'GET', `/api/v1/review-assignments/${assignment.id}`)
      assert.ok(detail.report, `report ${assignment.report_number} has its PDF`)
      assert.ok(detail.applicable_hazards.length > 1, 'some hazard items apply')
      assert.ok(detail.members.some((m) => m.evaluator_id !== null), 'the project team has a registered evaluator')
      Object.assign(assignment, { detail })
    }
  })

  test('expert.1 @ 1440px: the home page counts the tasks not started and opens them', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, EXPERT.username)
      await assertHome(page, HOMES.expert)
      const waiting = page.locator('[data-testid="review-task-count"][data-state="not_started"]')
      await waiting.waitFor({ state: 'visible' })
      const count = Number(await text(waiting.locator('.count-tile-count')))
      assert.ok(count >= assignments.length, `the ${assignments.length} new assignments are counted (${count})`)
      await page.screenshot({ path: join(artifactsDir, 'review-expert-home-1440.png'), fullPage: true })
      await waiting.click()
      await page.waitForURL((url) => url.pathname === '/my-reviews' && url.searchParams.get('state') === 'not_started')
      await settle(page)
      assert.match(await text(page.getByTestId('state-filter')), /未开始/)
      const states = await listRows(page).getByTestId('assignment-state').allTextContents()
      assert.ok(states.length > 0 && states.every((s) => s.trim() === '未开始'), `only tasks not started are listed (${states})`)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('expert.1 @ 1440px: the viewer pages and zooms a Chinese report from the app’s own assets only', async () => {
    const assignment = assignments[0]
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    const elsewhere = []
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(backend.baseUrl) && !/^(data|blob):/.test(url)) elsewhere.push(url)
    })
    try {
      await login(page, EXPERT.username)
      await assertHome(page, HOMES.expert)
      // The signed link of this report answers a three-page PDF whose Chinese font is not embedded.
      const cmaps = []
      page.on('response', (r) => {
        if (r.url().endsWith('.bcmap')) cmaps.push(r.status())
      })
      await page.route(new RegExp(`/api/v1/files/${assignment.detail.report.id}/download\\?`), (route) =>
        route.fulfill({ status: 200, contentType: 'application/pdf', body: chinesePdf(3) }),
      )
      await page.goto(`${backend.baseUrl}/my-reviews/${assignment.id}`)
      await settle(page)
      const viewer = page.getByTestId('pdf-viewer')
      await page.getByTestId('pdf-canvas').waitFor({ state: 'visible', timeout: 30_000 })
      assert.equal(await viewer.getAttribute('data-pages'), '3')
      assert.ok(cmaps.length > 0 && cmaps.every((status) => status === 200), `the character maps came from the app (${cmaps})`)
      const inked = () =>
        page.getByTestId('pdf-canvas').evaluate((c) => {
          const data = c.getContext('2d').getImageData(0, 0, c.width, Math.floor(c.height / 3)).data
          let dark = 0
          for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark += 1
          return dark
        })
      assert.ok((await inked()) > 200, 'the Chinese line is drawn')

      const shownPage = () => page.getByTestId('pdf-canvas').getAttribute('data-page')
      await page.getByTestId('pdf-next').click()
      await page.waitForFunction(() => document.querySelector('[data-testid="pdf-canvas"]')?.getAttribute('data-page') === '2')
      await page.getByTestId('pdf-page-input').fill('3')
      await page.getByTestId('pdf-page-input').press('Enter')
      await page.waitForFunction(() => document.querySelector('[data-testid="pdf-canvas"]')?.getAttribute('data-page') === '3')
      assert.ok(await page.getByTestId('pdf-next').isDisabled(), 'no page after the last')
      await page.getByTestId('pdf-page-input').fill('99')
      await page.getByTestId('pdf-page-input').press('Enter')
      assert.equal(await page.getByTestId('pdf-page-input').inputValue(), '3')
      await page.getByTestId('pdf-prev').click()
      await page.waitForFunction(() => document.querySelector('[data-testid="pdf-canvas"]')?.getAttribute('data-page') === '2')
      assert.equal(await shownPage(), '2')

      // Zoom in past the width (the stage scrolls, not the page), then fit the width again.
      const width = async () => (await page.getByTestId('pdf-canvas').boundingBox()).width
      const fitted = await width()
      for (let i = 0; i < 4; i += 1) await page.getByTestId('pdf-zoom-in').click()
      await page.waitForFunction((before) => document.querySelector('[data-testid="pdf-canvas"]').getBoundingClientRect().width > before + 50, fitted)
      assert.ok((await inked()) > 200, 'the zoomed page is drawn')
      await assertNoHorizontalScroll(page, 'zoomed report')
      await page.getByTestId('pdf-fit').click()
      await page.waitForFunction((before) => Math.abs(document.querySelector('[data-testid="pdf-canvas"]').getBoundingClientRect().width - before) < 2, fitted)

      assert.deepEqual(elsewhere, [], 'nothing was fetched from anywhere but the app')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  for (const [index, viewport] of VIEWPORTS.entries()) {
    test(`expert.1 @ ${viewport.width}px: reviews a report, submits with a signature, downloads and corrects it`, async () => {
      const assignment = assignments[index]
      const { detail } = assignment
      const hazards = detail.applicable_hazards
      const [problemHazard, ...otherHazards] = hazards
      const evaluator = detail.members.find((m) => m.evaluator_id !== null)
      const total = 14 + hazards.length
      const mobile = viewport.mobile
      const { context, page, problems } = await newPage(viewport)
      try {
        await login(page, EXPERT.username)
        await assertHome(page, HOMES.expert)

        // 审查任务: the new assignment, found by its report number, not started yet.
        await openFromMenu(page, mobile, '审查任务', '/my-reviews')
        const searched = page.waitForResponse((r) => r.url().includes('/api/v1/review-assignments?') && r.url().includes('q='))
        await page.getByTestId('assignment-search').fill(assignment.report_number)
        await searched
        await page.waitForFunction(() => document.querySelectorAll('.el-table__body tr, article.card').length === 1)
        const row = listRows(page).first()
        assert.equal(await text(row.getByTestId('assignment-state')), '未开始')
        assert.equal(await text(row.getByTestId('assignment-link')), assignment.project_name)
        if (mobile) await assertNoHorizontalScroll(page, 'assignments at 375px')
        await row.getByTestId('open-assignment').click()
        await page.waitForURL((url) => url.pathname === `/my-reviews/${assignment.id}`)
        await settle(page)
        assert.equal(await text(page.getByTestId('review-title')), assignment.project_name)
        assert.equal(await text(page.getByTestId('review-state')), '未开始')

        // The report, drawn by pdf.js on a canvas (a minimal PDF with one line of text: some pixels are dark).
        await showPane(page, mobile, '报告')
        const canvas = page.getByTestId('pdf-canvas')
        await canvas.waitFor({ state: 'visible', timeout: 30_000 })
        assert.equal(await page.getByTestId('pdf-viewer').getAttribute('data-state'), 'ready')
        const drawn = await canvas.evaluate((c) => {
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
          let dark = 0
          for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark += 1
          return { width: c.width, height: c.height, shown: c.getBoundingClientRect().width, dark }
        })
        assert.ok(drawn.width > 0 && drawn.height > 0 && drawn.shown > 0, `the page is drawn (${JSON.stringify(drawn)})`)
        assert.ok(drawn.dark > 20, `the page's text is drawn (${drawn.dark} dark pixels)`)
        assert.ok(drawn.shown <= viewport.width, 'the page fits the width')
        const fitted = await text(page.getByTestId('pdf-scale'))
        await page.getByTestId('pdf-zoom-in').click()
        await page.waitForFunction((before) => document.querySelector('[data-testid="pdf-scale"]')?.textContent?.trim() !== before, fitted)
        await page.getByTestId('pdf-fit').click()
        await page.waitForFunction((before) => document.querySelector('[data-testid="pdf-scale"]')?.textContent?.trim() === before, fitted)
        if (mobile) await assertNoHorizontalScroll(page, 'report tab at 375px')

        // The process-control archive, with its download link.
        await page.getByTestId('materials').locator('.el-collapse-item__header').click()
        const archive = page.getByTestId('archive-file').first()
        await archive.waitFor({ state: 'visible' })
        assert.match(await text(archive.getByTestId('archive-name')), /\.zip$/)
        // The directory as the server read it (the demo archives are stored without one: an empty listing).
        await archive.getByTestId('zip-toggle').click()
        await archive.locator('[data-testid="zip-listing"], .zip-empty').first().waitFor({ state: 'visible' })
        await archive.getByTestId('download-archive').waitFor({ state: 'visible' })
        await page.getByTestId('materials').locator('.el-collapse-item__header').click()

        // The checklist: the first answer creates the draft.
        await showPane(page, mobile, '检查表')
        assert.equal(await text(page.getByTestId('progress')), `已判断 0/${total}`)
        const created = page.waitForResponse((r) => isOpinionCall(r, 'POST', /^\/api\/v1\/review-opinions$/))
        await item(page, 'SS01').getByTestId('choice-absent').click()
        assert.equal((await created).status(), 201)
        await waitSaved(page)
        for (const code of ['SS02', 'SS03', 'SS04', 'SS06', 'SS07', 'SS08', 'XJ01', 'XJ02', 'XJ03', 'XJ04', 'XJ05']) {
          await item(page, code).getByTestId('choice-absent').click()
        }
        // SS05 found: its location from the viewer's current page, a note, the evaluator concerned.
        const ss05 = item(page, 'SS05')
        await ss05.getByTestId('choice-present').click()
        await ss05.getByTestId('location-input').waitFor({ state: 'visible' })
        await ss05.getByTestId('use-current-page').click()
        assert.equal(await ss05.getByTestId('location-input').inputValue(), '第 1 页')
        await ss05.getByTestId('note-input').fill('重大危险源辨识未包括液氨储罐')
        await pickEvaluator(page, ss05, evaluator.name)
        // One hazard item not evaluated by the report, the others not present.
        const hazardItem = item(page, problemHazard)
        await hazardItem.getByTestId('hazard-not_evaluated').click()
        await hazardItem.getByTestId('location-input').fill('第 1 页 5.2 节')
        for (const code of otherHazards) await item(page, code).getByTestId('hazard-not_present').click()
        assert.equal(await text(page.getByTestId('progress')), `已判断 ${total - 1}/${total}`)
        assert.match(await text(page.getByTestId('suggested-conclusion')), /失实/)
        await waitSaved(page)
        if (mobile) await assertNoHorizontalScroll(page, 'checklist at 375px')

        // Reloaded: the saved draft comes back from the server.
        await page.reload()
        await settle(page)
        assert.equal(await text(page.getByTestId('review-state')), '草稿')
        await item(page, 'SS05').getByTestId('location-input').waitFor({ state: 'visible' })
        assert.equal(await item(page, 'SS05').getByTestId('location-input').inputValue(), '第 1 页')
        assert.ok(await isChecked(item(page, 'SS05').getByTestId('choice-present')))
        assert.ok(await isChecked(item(page, 'SS01').getByTestId('choice-absent')))
        assert.ok(await isChecked(item(page, problemHazard).getByTestId('hazard-not_evaluated')))
        assert.equal(await text(page.getByTestId('progress')), `已判断 ${total - 1}/${total}`)

        // An edit not yet saved when the page reloads is kept in the browser and saved afterwards.
        await page.getByTestId('opinion-text').fill(OPINION)
        await page.reload()
        await settle(page)
        await page.getByTestId('restored').waitFor({ state: 'visible' })
        assert.equal(await page.getByTestId('opinion-text').inputValue(), OPINION)
        await waitSaved(page)

        if (!mobile) {
          // A lost connection: the edit waits, and is saved when the browser is back online.
          await context.setOffline(true)
          await item(page, 'SS05').getByTestId('note-input').fill('重大危险源辨识未包括液氨储罐（1 号罐区）')
          await page.getByTestId('save-state').getByText('未保存（离线）', { exact: false }).waitFor({ timeout: 15_000 })
          const resaved = page.waitForResponse((r) => isOpinionCall(r, 'PUT', /^\/api\/v1\/review-opinions\/\d+$/) && r.ok())
          await context.setOffline(false)
          await resaved
          await waitSaved(page)
        }

        // Submitting with XJ06 unanswered and no conclusion: a wrong name first, then the server's list.
        await page.getByTestId('submit-opinion').click()
        const dialog = page.locator('.el-dialog', { hasText: '签名提交审查意见' })
        await dialog.waitFor({ state: 'visible' })
        if (mobile) await assertNoHorizontalScroll(page, 'signature dialog at 375px')
        await dialog.getByTestId('signature-input').fill('张三')
        await dialog.getByTestId('confirm-submit').click()
        await dialog.getByText(`签名须为本人姓名“${EXPERT.fullName}”`).waitFor({ state: 'visible' })
        await dialog.getByTestId('signature-input').fill(EXPERT.fullName)
        const refused = page.waitForResponse((r) => isOpinionCall(r, 'POST', /^\/api\/v1\/review-opinions\/\d+\/submit$/))
        await dialog.getByTestId('confirm-submit').click()
        assert.equal((await refused).status(), 422)
        await dialog.waitFor({ state: 'hidden' })
        const summary = page.getByTestId('submit-errors')
        await summary.waitFor({ state: 'visible' })
        assert.match(await text(summary), /审查意见尚未填写完整/)
        const xj06 = item(page, 'XJ06')
        assert.match(await text(xj06.getByTestId('item-error')), /^请判断 XJ06（.+）$/)
        assert.match(await xj06.getAttribute('class'), /item-error/)
        assert.match(await text(page.getByTestId('section-conclusion').locator('.el-form-item__error')), /请选择审查结论/)
        // The first problem is scrolled into view.
        await page.waitForFunction(() => {
          const box = document.getElementById('opinion-criteria-XJ06')?.getBoundingClientRect()
          return !!box && box.top >= 0 && box.bottom <= window.innerHeight
        })

        // Completed: the error goes with the edit, the suggested conclusion is taken.
        await xj06.getByTestId('choice-absent').click()
        await xj06.getByTestId('item-error').waitFor({ state: 'detached' })
        assert.equal(await text(page.getByTestId('progress')), `已判断 ${total}/${total}`)
        await page.getByTestId('use-suggestion').click()
        assert.ok(await isChecked(page.getByTestId('conclusion-inaccurate')))

        await page.getByTestId('submit-opinion').click()
        await dialog.waitFor({ state: 'visible' })
        await dialog.getByTestId('signature-input').fill(EXPERT.fullName)
        const accepted = page.waitForResponse((r) => isOpinionCall(r, 'POST', /^\/api\/v1\/review-opinions\/\d+\/submit$/))
        await dialog.getByTestId('confirm-submit').click()
        assert.equal((await accepted).status(), 200)
        await dialog.waitFor({ state: 'hidden' })

        // Read-only now: the version, the conclusion, the findings raised; no edit controls.
        await page.getByTestId('review-state').getByText('已提交').waitFor({ state: 'visible' })
        assert.equal(await text(page.getByTestId('review-conclusion')), '失实')
        assert.match(await text(page.getByTestId('viewed-version')), new RegExp(`^第 1 版 · .+签名提交（签名：${EXPERT.fullName}）`))
        assert.equal(await page.getByTestId('submit-opinion').count(), 0)
        assert.equal(await page.getByTestId('save-state').count(), 0)
        assert.ok(await item(page, 'SS01').locator('input[type="radio"]').first().isDisabled())
        const findings = page.getByTestId('opinion-finding')
        await findings.first().waitFor({ state: 'visible' })
        const raised = (await findings.allTextContents()).join('\n')
        assert.match(raised, /R1 \/ SS05/)
        assert.match(raised, new RegExp(`R3 / ${problemHazard}`))
        if (mobile) await assertNoHorizontalScroll(page, 'submitted opinion at 375px')
        await page.screenshot({ path: join(artifactsDir, `review-expert-submitted-${viewport.width}.png`), fullPage: true })

        // The 审查意见书, fetched with the session's token.
        const downloading = page.waitForEvent('download')
        await page.getByTestId('download-opinion').click()
        const download = await downloading
        assert.match(download.suggestedFilename(), /\.pdf$/)
        const pdf = await readFile(await download.path())
        assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-')

        // 更正: asks why, starts version 2 as a draft from version 1, which stays as it was.
        await page.getByTestId('correct-opinion').click()
        const prompt = page.locator('.el-message-box', { hasText: '更正审查意见' })
        await prompt.waitFor({ state: 'visible' })
        await prompt.locator('textarea').fill(CORRECTION)
        const corrected = page.waitForResponse((r) => isOpinionCall(r, 'POST', /^\/api\/v1\/review-opinions\/\d+\/corrections$/))
        await confirmMessageBox(page, '开始更正')
        assert.equal((await corrected).status(), 201)
        const current = page.getByTestId('viewed-version')
        await current.getByText('第 2 版（更正草稿）').waitFor({ state: 'visible' })
        assert.match(await text(current), new RegExp(`更正原因：${CORRECTION}`))
        assert.equal(await page.locator('[data-testid="history-item"][data-version="2"][data-status="draft"]').count(), 1)
        assert.equal(await page.locator('[data-testid="history-item"][data-version="1"][data-status="submitted"]').count(), 1)
        assert.equal(await item(page, 'SS05').getByTestId('location-input').inputValue(), '第 1 页')
        // Version 1 can be looked at meanwhile, read-only; 返回编辑 goes back to the draft.
        await page.locator('[data-testid="history-item"][data-version="1"]').getByTestId('view-version').click()
        await page.getByTestId('viewed-version').getByText('第 1 版 · ', { exact: false }).waitFor({ state: 'visible' })
        assert.ok(await item(page, 'SS05').getByTestId('location-input').isDisabled())
        assert.equal(await page.getByTestId('submit-opinion').count(), 0)
        await page.getByTestId('back-to-current').getByText('返回编辑').click()
        await page.getByTestId('viewed-version').getByText('第 2 版（更正草稿）').waitFor({ state: 'visible' })
        assert.ok(await item(page, 'SS05').getByTestId('location-input').isEditable())

        // Version 2 edited, signed and submitted.
        const saved = page.waitForResponse((r) => isOpinionCall(r, 'PUT', /^\/api\/v1\/review-opinions\/\d+$/) && r.ok())
        await item(page, 'SS05').getByTestId('location-input').fill('第 1 页 3.1 节')
        await saved
        await page.getByTestId('submit-opinion').click()
        await dialog.waitFor({ state: 'visible' })
        await dialog.getByTestId('signature-input').fill(EXPERT.fullName)
        const resubmitted = page.waitForResponse((r) => isOpinionCall(r, 'POST', /^\/api\/v1\/review-opinions\/\d+\/submit$/))
        await dialog.getByTestId('confirm-submit').click()
        assert.equal((await resubmitted).status(), 200)
        await page.locator('[data-testid="history-item"][data-version="2"][data-status="submitted"]').waitFor({ state: 'visible' })
        assert.match(await text(page.getByTestId('viewed-version')), /^第 2 版 · /)
        assert.match(await text(page.getByTestId('viewed-version')), new RegExp(`更正原因：${CORRECTION}`))
        assert.equal(await item(page, 'SS05').getByTestId('location-input').inputValue(), '第 1 页 3.1 节')

        // Version 1 stays readable as it was signed.
        await page.locator('[data-testid="history-item"][data-version="1"]').getByTestId('view-version').click()
        await page.getByTestId('viewed-version').getByText('该版本已被更正').waitFor({ state: 'visible' })
        assert.match(await text(page.getByTestId('viewed-version')), /^第 1 版 · /)
        assert.equal(await item(page, 'SS05').getByTestId('location-input').inputValue(), '第 1 页')
        await page.getByTestId('back-to-current').click()
        await page.getByTestId('viewed-version').getByText('第 2 版', { exact: false }).waitFor({ state: 'visible' })
        if (mobile) await assertNoHorizontalScroll(page, 'corrected opinion at 375px')

        // Back on the list: submitted, with its conclusion.
        await page.locator('.back-link').click()
        await page.waitForURL((url) => url.pathname === '/my-reviews')
        await settle(page)
        await page.getByTestId('assignment-search').fill(assignment.report_number)
        await page.waitForFunction(() => document.querySelectorAll('.el-table__body tr, article.card').length === 1)
        await listRows(page).first().getByTestId('assignment-state').getByText('已提交').waitFor({ state: 'visible' })
        assert.equal(await text(listRows(page).first().getByTestId('assignment-conclusion')), '失实')
        if (mobile) await assertNoHorizontalScroll(page, 'assignments after review at 375px')
        assert.deepEqual(problems, [], 'no uncaught page errors')
      } finally {
        await context.close()
      }
    })
  }
})
