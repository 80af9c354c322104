// End-to-end checks of 佐证材料 on 问题清单 against the real backend (see harness.mjs): the agency documents its
// rectification of an open finding with a photo and a PDF, removes one, submits for acceptance and can then add
// nothing more; the city sees the agency's evidence, previews it and accepts the finding.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { apiJson, apiToken, apiUpload, minimalPdf, sha256, solidPng, writeFixture as writeFixtureIn } from './fixtures.mjs'
import {
  artifactsDir,
  assertHome,
  assertNoHorizontalScroll,
  backend,
  confirmMessageBox,
  HOMES,
  login,
  newPage,
  settle,
  useBackend,
  VIEWPORTS,
} from './harness.mjs'

const PHOTO_NOTE = '整改后现场照片（带拍摄时间和地点水印）'
const CITY_NOTE = '市局检查时拍摄的现场照片'

/** The files the agency picks, written to a scratch folder; the city's photo exists before the page opens. */
const files = { dir: '', report: null, photo: null, cityPhoto: null }
/** The finding the tests work on (open, of agency.a.admin's own office) and one without any evidence. */
const state = { findingId: null, agencyName: '', emptyFindingId: null }

const writeFixture = (name, data) => writeFixtureIn(files.dir, name, data)

const findingUrl = (id) => `${backend.baseUrl}/findings/${id}`
const evidenceItem = (page, fixture) => page.locator(`[data-testid="evidence-item"][data-sha256="${fixture.sha256}"]`)
const text = async (locator) => ((await locator.textContent()) ?? '').trim()

describe('Anping finding evidence (e2e)', () => {
  useBackend()

  before(async () => {
    files.dir = await mkdtemp(join(tmpdir(), 'anping-e2e-evidence-'))
    files.report = await writeFixture('整改报告.pdf', minimalPdf('Rectification report', 'Site photos re-taken with time and place'))
    files.photo = await writeFixture('整改后现场照片.png', solidPng(48, 32, [40, 160, 80]))
    const cityPhoto = solidPng(40, 30, [30, 60, 200])
    files.cityPhoto = { name: '市局检查照片.png', sha256: sha256(cityPhoto), size: cityPhoto.length }

    // An open finding of the agency's own office (the demo data has findings in every state).
    const agency = await apiToken('agency.a.admin')
    const me = await apiJson(agency, 'GET', '/api/v1/auth/me')
    const open = await apiJson(agency, 'GET', '/api/v1/findings?status=open&page_size=200')
    const finding = open.items.find((f) => f.agency_id === me.organization.id && f.source === 'self_check')
    assert.ok(finding, `agency.a.admin has an open self-check finding (got ${open.items.length} open findings)`)
    state.findingId = finding.id
    state.agencyName = finding.agency_name
    const others = await apiJson(agency, 'GET', '/api/v1/findings?page_size=200')
    state.emptyFindingId = others.items.find((f) => f.id !== finding.id)?.id ?? null
    assert.ok(state.emptyFindingId, 'the agency has a second finding')

    // The city added a photo of its own inspection before the agency opens the page.
    const city = await apiToken('city.admin')
    const fileId = await apiUpload(city, files.cityPhoto.name, cityPhoto)
    const detail = await apiJson(city, 'POST', `/api/v1/findings/${finding.id}/evidence`, { file_id: fileId, note: CITY_NOTE })
    assert.equal(detail.evidence.length, 1)
  })

  after(async () => {
    if (files.dir) await rm(files.dir, { recursive: true, force: true })
  })

  test('agency.a.admin @ 375px: adds a PDF and a photo with a note, removes one, can add nothing once submitted', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'agency.a.admin')
      await assertHome(page, HOMES.agency)
      await page.goto(findingUrl(state.findingId))
      await settle(page)
      assert.equal(await text(page.getByTestId('finding-status')), '待整改')
      const card = page.getByTestId('finding-evidence')
      await card.waitFor({ state: 'visible' })

      // The city's photo: listed, named by the rule of who may add, not removable by the agency.
      const cityItem = evidenceItem(page, files.cityPhoto)
      await cityItem.waitFor({ state: 'visible' })
      assert.equal(await text(cityItem.getByTestId('evidence-name')), files.cityPhoto.name)
      assert.equal(await text(cityItem.getByTestId('evidence-note')), CITY_NOTE)
      assert.equal(await text(cityItem.getByTestId('evidence-adder')), '市应急管理局')
      assert.equal(await cityItem.getByTestId('remove-evidence').count(), 0)

      // Phones may take the photo with the camera.
      const add = card.getByTestId('evidence-add')
      assert.equal(await add.getByTestId('file-input').getAttribute('accept'), 'image/*,application/pdf,application/zip')

      // A PDF without a note, then a photo with one (typed before the upload finishes).
      await add.getByTestId('file-input').setInputFiles(files.report.path)
      const reportItem = evidenceItem(page, files.report)
      await reportItem.waitFor({ state: 'visible', timeout: 30_000 })
      assert.equal(await text(reportItem.getByTestId('evidence-name')), files.report.name)
      assert.equal(await text(reportItem.getByTestId('evidence-adder')), '本单位')
      assert.equal(await reportItem.getByTestId('evidence-note').count(), 0)

      await add.getByTestId('evidence-note-input').fill(PHOTO_NOTE)
      await add.getByTestId('file-input').setInputFiles(files.photo.path)
      const photoItem = evidenceItem(page, files.photo)
      await photoItem.waitFor({ state: 'visible', timeout: 30_000 })
      assert.equal(await text(photoItem.getByTestId('evidence-name')), files.photo.name)
      assert.equal(await text(photoItem.getByTestId('evidence-note')), PHOTO_NOTE)
      assert.equal(await text(photoItem.getByTestId('evidence-adder')), '本单位')
      assert.equal(await add.getByTestId('evidence-note-input').inputValue(), '', 'the note went with the photo')
      assert.equal(await page.getByTestId('evidence-item').count(), 3)
      assert.match(await text(card.locator('.card-head')), /^佐证材料（3）$/)

      // Removing asks first: cancelled, the PDF stays; confirmed, it goes.
      await reportItem.getByTestId('remove-evidence').click()
      const ask = page.locator('.el-message-box', { hasText: '移除佐证材料' })
      await ask.waitFor({ state: 'visible' })
      assert.match(await text(ask), new RegExp(`确定移除佐证材料「${files.report.name}」吗？`))
      await confirmMessageBox(page, '取消')
      assert.equal(await page.getByTestId('evidence-item').count(), 3)
      await reportItem.getByTestId('remove-evidence').click()
      await confirmMessageBox(page, '移除')
      await reportItem.waitFor({ state: 'detached' })
      assert.equal(await page.getByTestId('evidence-item').count(), 2)

      // The photo downloads through a signed link under its Chinese name.
      const downloading = page.waitForEvent('download')
      await photoItem.getByTestId('download-evidence').click()
      const download = await downloading
      assert.equal(download.suggestedFilename(), files.photo.name)
      assert.match(download.url(), /\/api\/v1\/files\/\d+\/download\?token=[^&]+$/)
      assert.equal(sha256(await readFile(await download.path())), files.photo.sha256)

      await assertNoHorizontalScroll(page, 'finding with evidence')
      await page.screenshot({ path: join(artifactsDir, 'finding-evidence-agency-375.png'), fullPage: true })

      // Submitted for acceptance: the evidence stays, the add and remove controls are gone.
      await page.getByTestId('finding-action-submit').click()
      const prompt = page.locator('.el-message-box', { hasText: '请说明整改情况' })
      await prompt.waitFor({ state: 'visible' })
      await prompt.locator('textarea').fill('已补充带时间地点水印的现场影像资料，见佐证材料')
      await confirmMessageBox(page, '提交验收')
      await page.getByTestId('finding-status').getByText('待验收').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('evidence-add').count(), 0)
      assert.equal(await page.getByTestId('remove-evidence').count(), 0)
      assert.match(await text(page.getByTestId('evidence-closed')), /已提交验收，佐证材料不能再修改/)
      assert.equal(await page.getByTestId('evidence-item').count(), 2)
      await assertNoHorizontalScroll(page, 'submitted finding')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 1440px: sees the agency’s evidence, opens the photo, and accepts the finding', async () => {
    assert.ok(state.findingId, 'the agency submitted the finding')
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)

      // A finding nobody documented yet says so.
      await page.goto(findingUrl(state.emptyFindingId))
      await settle(page)
      assert.match(await text(page.getByTestId('evidence-empty')), /暂无佐证材料/)

      await page.goto(findingUrl(state.findingId))
      await settle(page)
      assert.equal(await text(page.getByTestId('finding-status')), '待验收')
      const photoItem = evidenceItem(page, files.photo)
      await photoItem.waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('evidence-item').count(), 2)
      assert.equal(await text(photoItem.getByTestId('evidence-note')), PHOTO_NOTE)
      assert.equal(await text(photoItem.getByTestId('evidence-adder')), state.agencyName)
      assert.equal(await photoItem.getByTestId('remove-evidence').count(), 0, 'the agency’s evidence is the agency’s')
      const cityItem = evidenceItem(page, files.cityPhoto)
      assert.equal(await text(cityItem.getByTestId('evidence-adder')), '本单位')
      await cityItem.getByTestId('remove-evidence').waitFor({ state: 'visible' })
      // The city may still add its own material while the finding awaits acceptance.
      await page.getByTestId('evidence-add').waitFor({ state: 'visible' })

      // 查看 opens the photo in a tab of its own through a signed inline link.
      const opened = context.waitForEvent('page')
      const inline = context.waitForEvent('request', (r) => /\/api\/v1\/files\/\d+\/download\?token=.+&inline=true$/.test(r.url()))
      await photoItem.getByTestId('preview-evidence').click()
      const tab = await opened
      const shown = await (await inline).response()
      assert.equal(shown?.status(), 200)
      assert.equal(shown?.headers()['content-type'], 'image/png')
      assert.match(shown?.headers()['content-disposition'] ?? '', /^inline; /)
      await tab.close()
      await page.screenshot({ path: join(artifactsDir, 'finding-evidence-city-1440.png'), fullPage: true })

      // Accepted: nobody changes the evidence any more.
      await page.getByTestId('finding-action-accept').click()
      await confirmMessageBox(page, '验收通过')
      await page.getByTestId('finding-status').getByText('已验收').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('evidence-add').count(), 0)
      assert.equal(await page.getByTestId('remove-evidence').count(), 0)
      assert.match(await text(page.getByTestId('evidence-closed')), /问题已验收/)
      assert.equal(await page.getByTestId('evidence-item').count(), 2)
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })
})
