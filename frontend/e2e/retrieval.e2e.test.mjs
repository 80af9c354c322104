// End-to-end checks of 报告调阅 (附件4) against the real backend (see harness.mjs): the city calls in two reports,
// the agency uploads each report and archive over tus (one of them resumed after a reload), submits, the city
// receives one project and returns the other, and the agency sees why.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { minimalPdf, sha256, writeFixture as writeFixtureIn } from './fixtures.mjs'
import { writeZip } from './xlsx-zip.mjs'
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

const AGENCY = '河北安泰安全评价有限公司'
const RETURN_REASON = '过程控制档案缺少现场勘验影像资料，请补充后重新提交'
const CHUNK = 8 * 1024 * 1024

/** The files the agency uploads, written to a scratch folder (the browser picks them from disk). */
const files = { dir: '', reports: [], archives: [], big: null, fake: null, fakeLost: null, fakeReloaded: null }

const writeFixture = (name, data) => writeFixtureIn(files.dir, name, data)

/** What the tests hand on to each other. */
const state = { requestId: null, itemIds: [], campaignName: '' }

const requestUrl = () => `${backend.baseUrl}/retrieval/${state.requestId}`
const itemCard = (page, index) => page.locator(`[data-testid="retrieval-item"][data-item-id="${state.itemIds[index]}"]`)
const slotOf = (page, index, slot) => itemCard(page, index).locator(`[data-testid="slot"][data-slot="${slot}"]`)

/** Picks a file in a slot's uploader and waits until it is uploaded, at 100 %, and listed with its SHA-256. */
async function uploadInto(page, index, slot, fixture) {
  const area = slotOf(page, index, slot)
  await area.getByTestId('file-input').setInputFiles(fixture.path)
  await area.getByTestId('upload-done').waitFor({ state: 'visible', timeout: 60_000 })
  assert.equal((await area.locator('[data-testid="upload-progress"] .el-progress__text').textContent())?.trim(), '100%')
  const listed = area.locator(`[data-testid="attached-file"][data-sha256="${fixture.sha256}"]`)
  await listed.waitFor({ state: 'visible' })
  assert.equal((await listed.getByTestId('file-name').textContent())?.trim(), fixture.name)
  assert.equal((await listed.getByTestId('file-sha').textContent())?.trim(), `${fixture.sha256.slice(0, 8)}…${fixture.sha256.slice(-4)}`)
}

describe('Anping report retrieval (e2e)', () => {
  useBackend()

  before(async () => {
    files.dir = await mkdtemp(join(tmpdir(), 'anping-e2e-files-'))
    for (const n of [1, 2]) {
      files.reports.push(await writeFixture(`评价报告-${n}.pdf`, minimalPdf(`Safety evaluation report ${n}`)))
      files.archives.push(
        await writeFixture(
          `过程控制档案-${n}.zip`,
          writeZip(
            new Map([
              ['01合同/评价合同.pdf', minimalPdf(`Contract ${n}`)],
              ['02现场勘验/现场勘验记录.pdf', minimalPdf(`Site visit ${n}`)],
            ]),
          ),
        ),
      )
    }
    files.fake = await writeFixture('伪装的报告.pdf', Buffer.from('这不是 PDF 文件，只是改了扩展名的文本', 'utf8'))
    files.fakeLost = await writeFixture('伪装的报告-应答丢失.pdf', Buffer.from('这也不是 PDF 文件（服务器的应答在路上丢失）', 'utf8'))
    files.fakeReloaded = await writeFixture('伪装的报告-页面刷新.pdf', Buffer.from('这也不是 PDF 文件（应答到达前页面被刷新）', 'utf8'))
    // Three 8 MiB chunks: enough to interrupt after the first and resume.
    files.big = await writeFixture('过程控制档案-完整影像.zip', writeZip(new Map([['03现场影像/影像资料.bin', randomBytes(3 * CHUNK - 4096)]])))
  })

  after(async () => {
    if (files.dir) await rm(files.dir, { recursive: true, force: true })
  })

  test('city.admin @ 1440px: calls in two of an agency’s valid reports', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await openFromMenu(page, false, '报告调阅', '/retrieval')
      await listRows(page).first().waitFor({ state: 'visible' })

      await page.getByTestId('create-retrieval-request').click()
      const dialog = page.locator('.el-dialog', { hasText: '发出调阅通知' })
      await dialog.waitFor({ state: 'visible' })
      const field = (label) => dialog.locator('.el-form-item').filter({ has: page.locator('.el-form-item__label', { hasText: new RegExp(`^${label}$`) }) })
      // The current campaign is proposed.
      state.campaignName = ((await field('专项整治').locator('.el-select__wrapper').textContent()) ?? '').trim()
      assert.match(state.campaignName, /^\d{4}年.+专项整治$/)
      await field('评价机构').locator('.el-select__wrapper').click()
      await page.keyboard.type('河北安泰')
      await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^${AGENCY}$`) }).click()

      // How many valid reports the request would call in, before choosing two of them.
      const count = dialog.getByTestId('valid-count')
      await count.waitFor({ state: 'visible' })
      const valid = Number((await count.textContent())?.trim())
      assert.ok(valid >= 2, `the agency has valid reports to call in (got ${valid})`)
      assert.equal((await dialog.getByTestId('requested-count').textContent())?.trim(), `将调阅 ${valid} 份报告`)
      assert.match((await dialog.getByTestId('scope-all').textContent()) ?? '', new RegExp(`全部调阅（${valid} 份）`))
      assert.match(await field('报送期限').locator('input').inputValue(), /^\d{4}-\d{2}-\d{2}$/, 'the campaign deadline is proposed')
      await dialog.getByTestId('scope-some').click()
      const picks = dialog.getByTestId('project-picks').locator('.el-checkbox')
      assert.equal(await picks.count(), Math.min(valid, 200))
      await picks.nth(0).click()
      await picks.nth(1).click()
      assert.equal((await dialog.getByTestId('requested-count').textContent())?.trim(), '将调阅 2 份报告')
      await page.screenshot({ path: join(artifactsDir, 'retrieval-create-1440.png') })
      await dialog.getByTestId('create-retrieval').click()

      await page.waitForURL((url) => /^\/retrieval\/\d+$/.test(url.pathname))
      await settle(page)
      state.requestId = Number(new URL(page.url()).pathname.split('/').pop())
      const items = page.getByTestId('retrieval-item')
      await items.first().waitFor({ state: 'visible' })
      assert.equal(await items.count(), 2)
      state.itemIds = await items.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id')))
      assert.equal((await page.getByTestId('request-status').textContent())?.trim(), '待报送')
      assert.equal((await page.locator('[data-field="campaign"] dd').textContent())?.trim(), state.campaignName, 'the request names its campaign')
      assert.equal(await page.getByTestId('missing-entry').count(), 2, 'both projects still miss their report and archive')
      // The city reads; it has no uploader and nothing to review yet.
      assert.equal(await page.getByTestId('uploader').count(), 0)
      assert.equal(await page.getByTestId('review-actions').count(), 0)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('agency.a.admin @ 375px: uploads reports and archives (one resumed after a reload) and submits', async () => {
    assert.ok(state.requestId, 'the city created the request')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'agency.a.admin')
      await assertHome(page, HOMES.agency)
      await openFromMenu(page, true, '报告调阅', '/retrieval')
      const row = listRows(page).filter({ has: page.locator(`a[href="/retrieval/${state.requestId}"]`) })
      await row.waitFor({ state: 'visible' })
      assert.equal((await row.getByTestId('missing-count').textContent())?.trim(), '缺 2 项')
      assert.equal((await row.getByTestId('campaign-name').textContent())?.trim(), state.campaignName)
      await assertNoHorizontalScroll(page, 'agency retrieval list')
      await row.getByTestId('open-retrieval').click()
      await page.waitForURL((url) => url.pathname === `/retrieval/${state.requestId}`)
      await settle(page)

      // Submitting with nothing uploaded: refused, naming each project and what it lacks.
      await page.getByTestId('submit-retrieval').click()
      await confirmMessageBox(page, '提交')
      const refused = page.getByTestId('submit-errors')
      await refused.waitFor({ state: 'visible' })
      const refusal = (await refused.textContent()) ?? ''
      assert.match(refusal, /还有 2 个项目的材料不齐，不能提交/)
      assert.equal(await refused.locator('li').count(), 2)
      assert.match(refusal, /缺少评价报告、过程控制档案/)
      assert.equal(await page.getByTestId('item-error').count(), 2)
      assert.equal((await page.getByTestId('request-status').textContent())?.trim(), '待报送')

      await uploadInto(page, 0, 'report', files.reports[0])
      await uploadInto(page, 0, 'archive', files.archives[0])
      await uploadInto(page, 1, 'report', files.reports[1])
      assert.equal(await page.getByTestId('item-error').count(), 1, 'the complete project lost its error')
      await assertNoHorizontalScroll(page, 'detail page with uploads')

      // The large archive: hold every PATCH after the first chunk, reload once the first one was acknowledged.
      const held = []
      await page.route('**/api/v1/uploads/**', async (route) => {
        const request = route.request()
        if (request.method() === 'PATCH' && request.headers()['upload-offset'] !== '0') held.push(route)
        else await route.continue()
      })
      const firstChunk = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/v1/uploads/'))
      const archive = slotOf(page, 1, 'archive')
      await archive.getByTestId('file-input').setInputFiles(files.big.path)
      await archive.getByTestId('upload-progress').waitFor({ state: 'visible' })
      const acknowledged = await firstChunk
      assert.equal(acknowledged.status(), 204)
      assert.equal(acknowledged.headers()['upload-offset'], String(CHUNK))
      assert.ok(!acknowledged.headers()['anping-file-id'], 'the upload is not complete after one chunk')
      await archive.getByTestId('upload-speed').waitFor({ state: 'visible' })
      await page.waitForFunction(() => document.querySelector('[data-testid="cancel-upload"]') !== null)
      await page.screenshot({ path: join(artifactsDir, 'retrieval-uploading-375.png'), fullPage: true })
      await page.reload()
      for (const route of held) await route.abort().catch(() => {})
      await page.unrouteAll({ behavior: 'ignoreErrors' })
      await settle(page)

      // Picking the same file again continues from the server's offset: HEAD, then PATCH from there; no new upload.
      const created = []
      page.on('request', (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/uploads') created.push(r.url())
      })
      const head = page.waitForResponse((r) => r.request().method() === 'HEAD' && r.url().includes('/api/v1/uploads/'))
      const patch = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/api/v1/uploads/'))
      const resumedArchive = slotOf(page, 1, 'archive')
      await resumedArchive.getByTestId('file-input').setInputFiles(files.big.path)
      const offset = Number((await head).headers()['upload-offset'])
      assert.equal(offset, CHUNK, 'the server kept the acknowledged first chunk')
      assert.equal(Number((await patch).headers()['upload-offset']), offset, 'the upload continues where the server stopped')
      const note = resumedArchive.getByTestId('resume-note')
      await note.waitFor({ state: 'visible' })
      assert.equal((await note.textContent())?.trim(), '已从上次中断处继续（已上传 8 MB）')
      await uploadInto(page, 1, 'archive', files.big)
      assert.deepEqual(created, [], 'no new upload was created for the resumed file')
      assert.equal((await note.textContent())?.trim(), '已从上次中断处继续（已上传 8 MB）')

      const complete = page.getByTestId('nothing-missing')
      await complete.waitFor({ state: 'visible' })
      assert.equal((await complete.textContent())?.trim(), '材料已齐全，可以提交')
      assert.equal(await page.getByTestId('submit-errors').count(), 0)
      await assertNoHorizontalScroll(page, 'detail page, everything uploaded')
      await page.screenshot({ path: join(artifactsDir, 'retrieval-agency-375.png'), fullPage: true })

      await page.getByTestId('submit-retrieval').click()
      await confirmMessageBox(page, '提交')
      await page.getByTestId('request-status').getByText('已提交，待接收').waitFor({ state: 'visible' })
      assert.deepEqual(await page.getByTestId('item-status').allTextContents(), ['已提交', '已提交'])
      assert.equal(await page.getByTestId('uploader').count(), 0, 'submitted projects can no longer be changed')
      assert.equal(await page.getByTestId('remove-file').count(), 0)
      assert.equal(await page.getByTestId('submit-retrieval').count(), 0)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 375px: downloads a report, receives one project and returns the other with a reason', async () => {
    assert.ok(state.requestId, 'the agency submitted the request')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await page.goto(requestUrl())
      await settle(page)
      await page.getByTestId('request-status').getByText('已提交，待接收').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'city detail page')

      // Downloads go through a signed link that the browser opens itself (streamed to disk, no bearer token, no
      // blob in the page): the server's Content-Disposition gives the Chinese name.
      const scripted = []
      context.on('request', (r) => {
        if (/\/api\/v1\/files\/\d+\/content/.test(r.url())) scripted.push(r.url())
      })
      const linked = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/files\/\d+\/link$/.test(r.url()))
      const downloading = page.waitForEvent('download')
      await slotOf(page, 0, 'report').getByTestId('download-file').click()
      assert.equal((await linked).status(), 200)
      const download = await downloading
      assert.equal(download.suggestedFilename(), files.reports[0].name)
      assert.match(download.url(), /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/files\/\d+\/download\?token=[^&]+$/)
      assert.equal(sha256(await readFile(await download.path())), files.reports[0].sha256, 'the downloaded bytes are the report')
      assert.deepEqual(scripted, [], 'nothing is fetched into the page through the bearer-token endpoint')
      // The link itself is the credential (no Authorization header) and answers ranges, so downloads can resume.
      const ranged = await fetch(download.url(), { headers: { Range: 'bytes=0-4' } })
      assert.equal(ranged.status, 206)
      assert.equal(ranged.headers.get('content-range'), `bytes 0-4/${files.reports[0].size}`)
      assert.equal(await ranged.text(), '%PDF-')

      // 预览 opens the PDF in a tab of its own, from a signed inline link.
      const opened = context.waitForEvent('page')
      const inline = context.waitForEvent('request', (r) => /\/api\/v1\/files\/\d+\/download\?token=.+&inline=true$/.test(r.url()))
      await slotOf(page, 0, 'report').getByTestId('preview-file').click()
      const tab = await opened
      const inlineResponse = await (await inline).response()
      assert.equal(inlineResponse?.status(), 200)
      assert.equal(inlineResponse?.headers()['content-type'], 'application/pdf')
      assert.match(inlineResponse?.headers()['content-disposition'] ?? '', /^inline; .*filename\*=UTF-8''%E8%AF%84%E4%BB%B7%E6%8A%A5%E5%91%8A-1\.pdf$/)
      await tab.close()

      // An archive's directory is read on demand, without downloading the archive, and fits the phone.
      const archive = slotOf(page, 0, 'archive').locator(`[data-testid="attached-file"][data-sha256="${files.archives[0].sha256}"]`)
      assert.equal(await archive.getByTestId('zip-panel').count(), 0, 'collapsed until asked for')
      const listed = page.waitForResponse((r) => r.request().method() === 'GET' && /\/api\/v1\/files\/\d+$/.test(r.url()))
      await archive.getByTestId('zip-toggle').click()
      assert.equal((await listed).status(), 200)
      await archive.getByTestId('zip-listing').waitFor({ state: 'visible' })
      assert.deepEqual(await archive.getByTestId('zip-entry-name').allTextContents(), ['评价合同.pdf', '现场勘验记录.pdf'])
      const entries = (await archive.getByTestId('zip-entry').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())
      assert.equal(entries.length, 2)
      assert.match(entries[0], /^01合同\/评价合同\.pdf ?\d+(\.\d)? (B|KB)$/, 'the folder, the name and the size')
      assert.match(entries[1], /^02现场勘验\/现场勘验记录\.pdf ?\d+(\.\d)? (B|KB)$/)
      assert.match(((await archive.getByTestId('zip-toggle').textContent()) ?? '').replace(/\s+/g, ''), /^收起压缩包目录（2个条目·解压后\d+(\.\d)?(B|KB)）$/)
      await assertNoHorizontalScroll(page, 'city detail page with a zip listing')
      await page.screenshot({ path: join(artifactsDir, 'retrieval-zip-listing-375.png'), fullPage: true })
      await archive.getByTestId('zip-toggle').click()
      await archive.getByTestId('zip-panel').waitFor({ state: 'detached' })

      await itemCard(page, 0).getByTestId('receive-item').click()
      await confirmMessageBox(page, '接收')
      await itemCard(page, 0).getByTestId('item-status').getByText('已接收').waitFor({ state: 'visible' })

      await itemCard(page, 1).getByTestId('return-item').click()
      const prompt = page.locator('.el-message-box', { hasText: '退回材料' })
      await prompt.waitFor({ state: 'visible' })
      await prompt.getByRole('button', { name: '退回' }).click()
      await prompt.getByText('请填写退回原因').waitFor({ state: 'visible' })
      await prompt.locator('textarea').fill(RETURN_REASON)
      await confirmMessageBox(page, '退回')
      await itemCard(page, 1).getByTestId('item-status').getByText('已退回').waitFor({ state: 'visible' })
      assert.equal((await itemCard(page, 1).getByTestId('returned-reason').textContent())?.trim(), `退回原因：${RETURN_REASON}`)
      await page.getByTestId('request-status').getByText('已退回，待补交').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('review-actions').count(), 0, 'nothing left to review')
      await assertNoHorizontalScroll(page, 'city detail page after review')
      await page.screenshot({ path: join(artifactsDir, 'retrieval-city-375.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('county.haigang @ 375px: follows the request of an agency in its county, read-only', async () => {
    assert.ok(state.requestId, 'the city reviewed the request')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'county.haigang')
      await assertHome(page, HOMES.county)
      await openFromMenu(page, true, '报告调阅', '/retrieval')
      const row = listRows(page).filter({ has: page.locator(`a[href="/retrieval/${state.requestId}"]`) })
      await row.waitFor({ state: 'visible' })
      assert.match((await row.getByTestId('request-status').textContent()) ?? '', /已退回，待补交/)
      await assertNoHorizontalScroll(page, 'county retrieval list')
      await row.getByTestId('open-retrieval').click()
      await page.waitForURL((url) => url.pathname === `/retrieval/${state.requestId}`)
      await settle(page)
      await page.getByTestId('returned-reason').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('uploader').count(), 0)
      assert.equal(await page.getByTestId('review-actions').count(), 0)
      assert.equal(await page.getByTestId('submit-retrieval').count(), 0)
      assert.equal(await page.getByTestId('remove-file').count(), 0)
      await assertNoHorizontalScroll(page, 'county detail page')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('agency.b.admin: another agency’s request does not exist for it', async () => {
    assert.ok(state.requestId, 'the city created the request')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'agency.b.admin')
      await assertHome(page, HOMES.agency)
      await page.goto(requestUrl())
      await page.locator('.el-result', { hasText: '调阅通知不存在或无权查看' }).waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('retrieval-item').count(), 0)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('agency.a.admin @ 375px: sees why a project was returned and may fix only that one', async () => {
    assert.ok(state.requestId, 'the city reviewed the request')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'agency.a.admin')
      await assertHome(page, HOMES.agency)
      await page.goto(requestUrl())
      await settle(page)
      await page.getByTestId('request-status').getByText('已退回，待补交').waitFor({ state: 'visible' })
      assert.equal((await itemCard(page, 1).getByTestId('returned-reason').textContent())?.trim(), `退回原因：${RETURN_REASON}`)
      assert.equal(await itemCard(page, 0).getByTestId('uploader').count(), 0, 'the received project is closed')
      assert.equal(await itemCard(page, 1).getByTestId('uploader').count(), 2, 'the returned project takes new files')
      await page.getByTestId('submit-retrieval').waitFor({ state: 'visible' })

      // Removing the refused archive asks first, then the project shows up as missing it again.
      const archive = slotOf(page, 1, 'archive')
      await archive.locator(`[data-testid="attached-file"][data-sha256="${files.big.sha256}"]`).getByTestId('remove-file').click()
      await confirmMessageBox(page, '移除')
      await archive.locator(`[data-testid="attached-file"][data-sha256="${files.big.sha256}"]`).waitFor({ state: 'detached' })
      const missing = page.getByTestId('missing-entry')
      await missing.first().waitFor({ state: 'visible' })
      assert.equal(await missing.count(), 1)
      assert.match((await missing.first().textContent()) ?? '', /缺过程控制档案/)

      // A text file named .pdf: the server judges the content and says why, in Chinese.
      const report = slotOf(page, 1, 'report')
      await report.getByTestId('file-input').setInputFiles(files.fake.path)
      const refused = report.getByTestId('upload-error')
      await refused.waitFor({ state: 'visible' })
      assert.match((await refused.textContent()) ?? '', /不支持的文件类型：只接受 PDF、zip 压缩包和 PNG\/JPEG 图片/)
      assert.equal(await report.getByTestId('attached-file').count(), 1, 'the refused file was not attached')

      // The server refused the content but its answer to the last PATCH was lost: tus asks HEAD again, gets 410 Gone
      // and stops with the server's reason, instead of sending the whole file again as a new upload.
      const creations = []
      const countCreations = (r) => {
        if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/uploads') creations.push(r.url())
      }
      page.on('request', countCreations)
      const lostAnswers = []
      await page.route('**/api/v1/uploads/**', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue()
        lostAnswers.push((await route.fetch()).status())
        await route.abort('connectionreset')
      })
      const gone = page.waitForResponse((r) => r.request().method() === 'HEAD' && r.url().includes('/api/v1/uploads/'))
      await report.getByTestId('file-input').setInputFiles(files.fakeLost.path)
      assert.equal((await gone).status(), 410)
      await report.getByTestId('upload-error').waitFor({ state: 'visible' })
      assert.match((await report.getByTestId('upload-error').textContent()) ?? '', /不支持的文件类型：只接受 PDF、zip 压缩包和 PNG\/JPEG 图片/)
      assert.deepEqual(lostAnswers, [422], 'one PATCH, refused by the server, its answer lost')
      assert.equal(creations.length, 1, 'the refused file was not uploaded again as a new upload')
      page.off('request', countCreations)
      await page.unrouteAll({ behavior: 'ignoreErrors' })

      // The page is reloaded before the refusal arrives; picking the file again asks the server about the upload
      // tus remembers and shows the reason at once, sending nothing.
      let refusedOnServer
      const processed = new Promise((resolveProcessed) => (refusedOnServer = resolveProcessed))
      const unanswered = []
      await page.route('**/api/v1/uploads/**', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue()
        refusedOnServer((await route.fetch()).status())
        unanswered.push(route)
      })
      await report.getByTestId('file-input').setInputFiles(files.fakeReloaded.path)
      assert.equal(await processed, 422)
      await page.reload()
      for (const route of unanswered) await route.abort().catch(() => {})
      await page.unrouteAll({ behavior: 'ignoreErrors' })
      await settle(page)
      const sent = []
      const recordSent = (r) => {
        if (['POST', 'HEAD', 'PATCH'].includes(r.method()) && r.url().includes('/api/v1/uploads')) sent.push(`${r.method()} ${r.url()}`)
      }
      page.on('request', recordSent)
      const asked = page.waitForResponse((r) => r.request().method() === 'GET' && /\/api\/v1\/uploads\/[0-9a-f]{32}$/.test(r.url()))
      await report.getByTestId('file-input').setInputFiles(files.fakeReloaded.path)
      assert.equal((await asked).status(), 200)
      await report.getByTestId('upload-error').waitFor({ state: 'visible' })
      assert.match((await report.getByTestId('upload-error').textContent()) ?? '', /不支持的文件类型：只接受 PDF、zip 压缩包和 PNG\/JPEG 图片/)
      assert.deepEqual(sent, [], 'nothing was sent again')
      page.off('request', recordSent)
      assert.equal(await report.getByTestId('attached-file').count(), 1)

      // Cancelling an upload under way asks first, then deletes what the server received (tus termination).
      await page.route('**/api/v1/uploads/**', async (route) => {
        if (route.request().method() === 'PATCH' && route.request().headers()['upload-offset'] !== '0') return // held until cancelled
        await route.continue()
      })
      const firstChunk = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/v1/uploads/'))
      await archive.getByTestId('file-input').setInputFiles(files.big.path)
      await firstChunk
      await archive.getByTestId('cancel-upload').click()
      const terminated = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/uploads/'))
      await confirmMessageBox(page, '取消上传')
      assert.equal((await terminated).status(), 204)
      await archive.getByTestId('upload-cancelled').waitFor({ state: 'visible' })
      await page.unrouteAll({ behavior: 'ignoreErrors' })
      assert.equal(await archive.getByTestId('attached-file').count(), 0)
      await assertNoHorizontalScroll(page, 'returned project')
      await page.screenshot({ path: join(artifactsDir, 'retrieval-returned-375.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })
})
