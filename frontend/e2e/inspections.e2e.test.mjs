// End-to-end checks of on-site inspections, the random draw and penalties against the real backend (see
// harness.mjs). A county officer on a phone registers two inspectors, inspects 河北安泰安全评价有限公司 (its office
// is in 海港区), fills the record with a photo, is refused while the place is missing, completes it, sees the
// findings and records an enforcement document by hand (no enforcement-system endpoint is configured), and the
// duty view counts the office as inspected. The city draws with a fixed seed and records a penalty with a fine and
// a scan; the agency then reads the completed inspection and the penalty.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { apiJson, apiToken, minimalPdf, solidPng, writeFixture as writeFixtureIn } from './fixtures.mjs'
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
const INSPECTORS = [
  { name: '王海涛', certificate: '13030220261' },
  { name: '李清波', certificate: '13030220262' },
]
const CITY_INSPECTOR = { name: '赵市检', certificate: '13030020269' }
const PLACE = '秦皇岛市海港区河北大街西段 88 号（机构办公场所）'
const DOCUMENT_NUMBER = '（海）应急检记〔2026〕7号'
const SEED = 'e2e-draw-2026'
const DECISION = '（秦）应急罚〔2026〕9号'

const files = { dir: '', photo: null, scan: null, decision: null }
const state = { inspectionId: null, findingIds: [] }

/** Today in Beijing, as the pages show dates. */
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
const text = async (locator) => ((await locator.textContent()) ?? '').trim()
const path = (response) => {
  const url = new URL(response.url())
  return `${url.pathname}${url.search}`
}
/** Waits for one API answer; call it BEFORE the action that triggers the request. */
const answer = (page, method, pattern) => page.waitForResponse((r) => r.request().method() === method && pattern.test(path(r)))
const option = (page, name) => page.locator('.el-select-dropdown__item:visible', { hasText: name }).first()
const formItem = (scope, label) => scope.locator('.el-form-item').filter({ has: scope.page().locator('.el-form-item__label', { hasText: label }) }).first()

describe('Anping on-site inspections, draws and penalties (e2e)', () => {
  useBackend()

  before(async () => {
    files.dir = await mkdtemp(join(tmpdir(), 'anping-e2e-inspections-'))
    files.photo = await writeFixtureIn(files.dir, '现场照片-办公场所.png', solidPng(64, 48, [200, 120, 40]))
    files.scan = await writeFixtureIn(files.dir, '现场检查记录-扫描件.pdf', minimalPdf('Inspection record', 'stamped scan'))
    files.decision = await writeFixtureIn(files.dir, '行政处罚决定书.pdf', minimalPdf('Penalty decision', 'stamped scan'))
  })

  after(async () => {
    if (files.dir) await rm(files.dir, { recursive: true, force: true })
  })

  test('county.haigang @ 375px: registers inspectors, inspects an office on site, completes and records a document', async () => {
    const viewport = VIEWPORTS[0]
    const { context, page, problems } = await newPage(viewport)
    try {
      await login(page, 'county.haigang')
      await assertHome(page, HOMES.county)

      // 执法人员: two officers of the county.
      await openFromMenu(page, true, '执法人员', '/inspectors')
      for (const inspector of INSPECTORS) {
        await page.getByTestId('create-inspector').click()
        const dialog = page.locator('.el-dialog', { hasText: '登记执法人员' })
        await dialog.waitFor({ state: 'visible' })
        await dialog.getByTestId('inspector-name').fill(inspector.name)
        await dialog.getByTestId('inspector-certificate').fill(inspector.certificate)
        assert.equal(await text(formItem(dialog, '所属单位').locator('.el-form-item__content')), '海港区应急管理局')
        await assertNoHorizontalScroll(page, 'inspector dialog')
        const created = answer(page, 'POST', /^\/api\/v1\/inspectors$/)
        await dialog.getByTestId('save-inspector').click()
        assert.equal((await created).status(), 201)
        await dialog.waitFor({ state: 'hidden' })
        await listRows(page).filter({ hasText: inspector.certificate }).waitFor({ state: 'visible' })
      }
      await assertNoHorizontalScroll(page, 'inspectors list')
      await page.screenshot({ path: join(artifactsDir, 'inspectors-county-375.png'), fullPage: true })

      // 新建检查: the county picks among the offices in its area.
      await openFromMenu(page, true, '现场检查', '/inspections')
      await page.getByTestId('create-inspection').click()
      const create = page.locator('.el-dialog', { hasText: '新建检查' })
      await create.waitFor({ state: 'visible' })
      await create.getByTestId('create-office').click()
      await option(page, AGENCY).click()
      await assertNoHorizontalScroll(page, 'create inspection dialog')
      const created = answer(page, 'POST', /^\/api\/v1\/inspections$/)
      await create.getByTestId('save-inspection').click()
      assert.equal((await created).status(), 201)
      await page.waitForURL((url) => /^\/inspections\/\d+$/.test(url.pathname))
      await settle(page)
      state.inspectionId = Number(new URL(page.url()).pathname.split('/').pop())
      assert.equal(await text(page.getByTestId('inspection-title')), AGENCY)
      assert.equal(await text(page.getByTestId('inspection-status')), '检查中（草稿）')

      // 基本信息: times, the person on site and the two inspectors; the place is left out for now.
      await page.getByTestId('start-time').fill('09:30')
      await page.getByTestId('end-time').fill('11:45')
      await page.getByTestId('on-site-person').fill('赵安泰（技术负责人）')
      await page.getByTestId('inspector-select').click()
      for (const inspector of INSPECTORS) await option(page, inspector.name).click()
      await page.keyboard.press('Escape')
      for (const inspector of INSPECTORS) await page.getByTestId('inspector-select').getByText(new RegExp(`^${inspector.name}`)).waitFor({ state: 'visible' })

      // 检查项: Q2 不符合, the rest 符合; the non-compliant item asks for a problem, started from its note.
      for (const code of ['Q1', 'Q3', 'Q4', 'Q5']) {
        await page.locator(`[data-testid="check-item"][data-code="${code}"]`).getByTestId('check-compliant').click()
      }
      const q2 = page.locator('[data-testid="check-item"][data-code="Q2"]')
      assert.match(await text(q2), /从业人员能力和资格/, 'the item is labelled from the reference codes')
      await q2.getByTestId('check-non_compliant').click()
      await q2.getByTestId('check-note').fill('2 名专职安全评价师未与机构签订劳动合同')
      assert.match(await text(q2.getByTestId('check-hint')), /Q2 不符合，请在「问题」中列明/)
      await q2.getByTestId('add-problem-for-check').click()
      const problem = page.getByTestId('problem-row').first()
      await problem.waitFor({ state: 'visible' })
      assert.equal(await problem.getByTestId('problem-description').inputValue(), '2 名专职安全评价师未与机构签订劳动合同')
      await q2.getByTestId('check-hint').waitFor({ state: 'detached' })

      // 档案抽查: one project whose archive lacks its site photos.
      await page.getByTestId('add-spot-check').click()
      const spot = page.getByTestId('spot-check-row').first()
      await spot.getByTestId('spot-project').click()
      await page.locator('.el-select-dropdown__item:visible').first().click()
      await spot.getByTestId('spot-complete').getByText('不完整', { exact: true }).click()
      await spot.getByTestId('spot-missing').click()
      await option(page, '现场影像资料').click()
      await page.keyboard.press('Escape')

      // 现场照片: the camera on a phone, or the gallery.
      const photos = page.getByTestId('inspection-photos')
      assert.equal(await photos.getByTestId('photo-camera').getByTestId('file-input').getAttribute('capture'), 'environment')
      const attached = answer(page, 'POST', new RegExp(`^/api/v1/inspections/${state.inspectionId}/files$`))
      await photos.getByTestId('photo-picker').getByTestId('file-input').setInputFiles(files.photo.path)
      assert.equal((await attached).status(), 200)
      await photos.getByTestId('photo-name').getByText(files.photo.name).waitFor({ state: 'visible' })
      await photos.getByTestId('photo-thumb').waitFor({ state: 'visible' })
      await page.getByTestId('summary').fill('机构办公场所、人员和档案管理总体符合要求，发现 1 个问题，责令限期整改。')

      await page.getByTestId('save-note').getByText(/^已保存/).waitFor({ state: 'visible' })
      assert.match(await text(page.getByTestId('completion-gaps')), /检查地点/)
      await assertNoHorizontalScroll(page, 'inspection record being filled')
      await page.screenshot({ path: join(artifactsDir, 'inspection-record-375.png'), fullPage: true })

      // 完成检查 without the place: refused, and the error sits on the field.
      await page.getByTestId('complete-inspection').click()
      let refused = answer(page, 'POST', new RegExp(`^/api/v1/inspections/${state.inspectionId}/complete$`))
      await confirmMessageBox(page, '完成检查')
      assert.equal((await refused).status(), 422)
      const placeItem = formItem(page.getByTestId('section-basic'), '检查地点')
      assert.equal(await text(placeItem.locator('.el-form-item__error')), '请填写检查地点')
      await page.getByTestId('complete-refusal').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'refused completion')
      await page.getByTestId('place').fill(PLACE)
      await placeItem.locator('.el-form-item__error').waitFor({ state: 'detached' })

      // Completed: read-only record, the problem is on 问题清单.
      await page.getByTestId('complete-inspection').click()
      refused = answer(page, 'POST', new RegExp(`^/api/v1/inspections/${state.inspectionId}/complete$`))
      await confirmMessageBox(page, '完成检查')
      assert.equal((await refused).status(), 200)
      await page.getByTestId('inspection-status').getByText('已完成').waitFor({ state: 'visible' })
      await page.getByTestId('inspection-record').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('complete-inspection').count(), 0)
      assert.equal(await page.getByTestId('remove-photo').count(), 0)
      const findingLinks = page.getByTestId('finding-link')
      assert.equal(await findingLinks.count(), 1)
      const href = await findingLinks.first().getAttribute('href')
      assert.match(href ?? '', /^\/findings\/\d+$/)
      state.findingIds = [Number(href.split('/').pop())]
      assert.match(await text(page.locator('[data-field="place"] dd')), /河北大街西段/)
      assert.equal(await text(page.locator('[data-testid="check-view"][data-code="Q2"]').getByTestId('check-view-result')), '不符合')

      // 执法文书 by hand: no enforcement-system endpoint is configured.
      const documents = page.getByTestId('inspection-documents')
      assert.equal(await text(documents.getByTestId('delivery-status')), '未配置执法系统接口（手工登记）')
      await documents.getByTestId('add-document').click()
      const dialog = page.locator('.el-dialog', { hasText: '登记执法文书' })
      await dialog.waitFor({ state: 'visible' })
      await dialog.getByTestId('document-number').fill(DOCUMENT_NUMBER)
      await dialog.getByTestId('file-input').setInputFiles(files.scan.path)
      await dialog.getByTestId('document-scan').getByText(files.scan.name).waitFor({ state: 'visible', timeout: 30_000 })
      await assertNoHorizontalScroll(page, 'document dialog')
      const recorded = answer(page, 'POST', new RegExp(`^/api/v1/inspections/${state.inspectionId}/documents$`))
      await dialog.getByTestId('save-document').click()
      assert.equal((await recorded).status(), 200)
      await dialog.waitFor({ state: 'hidden' })
      const doc = documents.getByTestId('document-item')
      await doc.waitFor({ state: 'visible' })
      assert.equal(await text(doc.getByTestId('document-number-text')), DOCUMENT_NUMBER)
      assert.match(await text(doc), /现场检查记录/)
      assert.match(await text(doc), /手工登记/)
      // Deleting asks first; cancelled, the document stays.
      await doc.getByTestId('remove-document').click()
      await page.locator('.el-message-box', { hasText: '删除执法文书' }).waitFor({ state: 'visible' })
      await confirmMessageBox(page, '取消')
      assert.equal(await documents.getByTestId('document-item').count(), 1)
      await assertNoHorizontalScroll(page, 'completed inspection')
      await page.screenshot({ path: join(artifactsDir, 'inspection-completed-375.png'), fullPage: true })

      // The list shows it completed with its document.
      await openFromMenu(page, true, '现场检查', '/inspections')
      const row = listRows(page).filter({ has: page.locator(`a[href="/inspections/${state.inspectionId}"]`) })
      await row.getByTestId('inspection-status').getByText('已完成').waitFor({ state: 'visible' })
      assert.match(await text(row), /执法文书\s*1/)
      await assertNoHorizontalScroll(page, 'inspections list')

      // 检查任务: the office counts as inspected.
      await openFromMenu(page, true, '检查任务', '/inspection-duty')
      const county = page.getByTestId('duty-county').first()
      await county.waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('duty-county').count(), 1, 'a county sees its own area only')
      assert.equal(await text(county.getByTestId('duty-count')), '已检查 1 / 1')
      assert.equal(await text(county.getByTestId('duty-done')), '已完成')
      const office = county.getByTestId('duty-office').filter({ hasText: AGENCY })
      assert.equal(await text(office.getByTestId('duty-office-status')), '已检查')
      assert.match(await text(office), new RegExp(today()), 'last inspected today')
      await assertNoHorizontalScroll(page, 'duty')
      await page.screenshot({ path: join(artifactsDir, 'inspection-duty-county-375.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 1440px: draws with a fixed seed and records a penalty with a fine and a scan', async () => {
    assert.ok(state.inspectionId, 'the county completed its inspection')
    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)

      // The pool needs at least two inspectors in the draw; the city registers one of its own anyway.
      const token = await apiToken('city.admin')
      const pool = await apiJson(token, 'GET', '/api/v1/inspectors?in_pool=true&page_size=200')
      const missing = Math.max(1, 2 - pool.total)
      await openFromMenu(page, false, '执法人员', '/inspectors')
      for (let i = 0; i < missing; i += 1) {
        await page.getByTestId('create-inspector').click()
        const dialog = page.locator('.el-dialog', { hasText: '登记执法人员' })
        await dialog.waitFor({ state: 'visible' })
        await dialog.getByTestId('inspector-name').fill(`${CITY_INSPECTOR.name}${i || ''}`)
        await dialog.getByTestId('inspector-certificate').fill(`${CITY_INSPECTOR.certificate}${i || ''}`)
        const created = answer(page, 'POST', /^\/api\/v1\/inspectors$/)
        await dialog.getByTestId('save-inspector').click()
        assert.equal((await created).status(), 201)
        await dialog.waitFor({ state: 'hidden' })
      }
      // The city sees the counties' officers too.
      await listRows(page).filter({ hasText: INSPECTORS[0].certificate }).waitFor({ state: 'visible' })

      // 双随机抽取 with a fixed seed.
      await openFromMenu(page, false, '双随机抽取', '/inspection-draws')
      const form = page.getByTestId('draw-form')
      // One office: the others were inspected recently (the demo data and the county above) and sit out.
      await form.getByTestId('draw-target-count').locator('input').fill('1')
      await form.getByTestId('draw-seed-input').fill(SEED)
      await page.getByTestId('run-draw').click()
      const drawn = answer(page, 'POST', /^\/api\/v1\/inspection-draws$/)
      await confirmMessageBox(page, '抽取')
      assert.equal((await drawn).status(), 201)
      await page.waitForURL((url) => /^\/inspection-draws\/\d+$/.test(url.pathname))
      await settle(page)
      assert.equal(await text(page.getByTestId('draw-seed')), SEED)
      assert.equal(await text(page.getByTestId('draw-reproducible')), '可复核')
      const agencies = page.getByTestId('drawn-agency')
      assert.equal(await agencies.count(), 1)
      const row = agencies.first()
      assert.match(await text(row.getByTestId('drawn-weight')), /^\d+(\.\d+)?（占 \d+(\.\d)?%）· .*未整改问题 \d+ 个$/)
      assert.equal(await row.getByTestId('drawn-inspectors').locator('.el-tag').count(), 2)
      assert.match((await row.getByTestId('drawn-inspection').getAttribute('href')) ?? '', /^\/inspections\/\d+$/)
      // The office the county just inspected sits this draw out.
      assert.match(await text(page.getByTestId('draw-excluded')), new RegExp(AGENCY))
      assert.ok((await page.getByTestId('draw-candidate').count()) >= 1)
      const replay = answer(page, 'GET', /^\/api\/v1\/inspection-draws\/\d+$/)
      await page.getByTestId('draw-verify').click()
      assert.equal((await replay).status(), 200)
      assert.equal(await text(page.getByTestId('draw-reproducible')), '可复核')
      await assertNoHorizontalScroll(page, 'draw result')
      await page.screenshot({ path: join(artifactsDir, 'inspection-draw-city-1440.png'), fullPage: true })

      // 行政处罚: a warning and a fine of 50,000 yuan with the stamped decision.
      await openFromMenu(page, false, '行政处罚', '/penalties')
      await page.getByTestId('create-penalty').click()
      const dialog = page.locator('.el-dialog', { hasText: '登记行政处罚' })
      await dialog.waitFor({ state: 'visible' })
      await dialog.getByTestId('penalty-agency').click()
      await page.keyboard.type('河北安泰')
      await page.locator('.el-select-dropdown__item:visible', { hasText: new RegExp(`^${AGENCY}$`) }).click()
      await dialog.getByTestId('penalty-number').fill(DECISION)
      await dialog.getByTestId('measure-warning').click()
      await dialog.getByTestId('measure-fine').click()
      await dialog.getByTestId('penalty-fine').fill('50000')
      assert.equal(await text(dialog.getByTestId('penalty-fine-preview')), '50,000.00 元')
      await dialog.getByTestId('penalty-inspection').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: `${today()} 海港区应急管理局检查` }).first().click()
      await dialog.getByTestId('penalty-basis').fill('《中华人民共和国安全生产法》第九十二条第一款')
      await dialog.getByTestId('penalty-facts').fill('该机构 2 名专职安全评价师未签订劳动合同，仍以其名义出具评价报告。')
      await dialog.getByTestId('file-input').setInputFiles(files.decision.path)
      await dialog.getByTestId('penalty-scan').getByText(files.decision.name).waitFor({ state: 'visible', timeout: 30_000 })
      const saved = answer(page, 'POST', /^\/api\/v1\/penalties$/)
      await dialog.getByTestId('save-penalty').click()
      assert.equal((await saved).status(), 201)
      await page.waitForURL((url) => /^\/penalties\/\d+$/.test(url.pathname))
      await settle(page)
      assert.equal(await text(page.getByTestId('penalty-title')), DECISION)
      assert.equal(await text(page.getByTestId('penalty-fine-amount')), '50,000.00 元')
      assert.match(await text(page.locator('[data-field="measures"] dd')), /^警告、罚款$/)
      assert.equal(await text(page.getByTestId('penalty-file-name')), files.decision.name)
      await page.getByTestId('edit-penalty').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'penalty detail')
      await page.screenshot({ path: join(artifactsDir, 'penalty-city-1440.png'), fullPage: true })
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('every inspection, check and penalty page at 375px fits the screen (city and county)', async () => {
    const city = await apiToken('city.admin')
    const random = await apiJson(city, 'GET', '/api/v1/inspections?kind=random&page_size=1')
    const check = await apiJson(city, 'GET', '/api/v1/county-checks?page_size=1')
    const penalty = await apiJson(city, 'GET', '/api/v1/penalties?page_size=1')
    const pages = {
      'city.admin': [
        '/inspections',
        '/inspection-draws',
        ...(random.items[0]?.draw_id ? [`/inspection-draws/${random.items[0].draw_id}`] : []),
        '/inspection-duty',
        '/inspectors',
        '/county-checks',
        ...(check.items[0] ? [`/county-checks/${check.items[0].id}`] : []),
        '/penalties',
        ...(penalty.items[0] ? [`/penalties/${penalty.items[0].id}`] : []),
        '/enforcement-outbox',
      ],
      'county.haigang': ['/inspections', `/inspections/${state.inspectionId}`, '/inspection-duty', '/inspectors', '/county-checks', '/penalties'],
    }
    for (const [username, paths] of Object.entries(pages)) {
      const { context, page, problems } = await newPage(VIEWPORTS[0])
      try {
        await login(page, username)
        await page.waitForURL((url) => url.pathname !== '/login')
        for (const target of paths) {
          await page.goto(`${backend.baseUrl}${target}`)
          await settle(page)
          await assertNoHorizontalScroll(page, `${username} ${target}`)
        }
        assert.deepEqual(problems, [], 'no uncaught page errors')
      } finally {
        await context.close()
      }
    }
  })

  test('agency.a.admin @ 375px: reads its completed inspection and the penalty', async () => {
    assert.ok(state.inspectionId, 'the county completed its inspection')
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'agency.a.admin')
      await assertHome(page, HOMES.agency)

      await openFromMenu(page, true, '现场检查', '/inspections')
      const row = listRows(page).filter({ has: page.locator(`a[href="/inspections/${state.inspectionId}"]`) })
      await row.waitFor({ state: 'visible' })
      assert.equal(await text(row.getByTestId('inspection-status')), '已完成')
      // Drafts (the city's draw) stay hidden from the agency.
      assert.equal(await page.getByTestId('inspection-status').filter({ hasText: '草稿' }).count(), 0)
      assert.equal(await page.getByTestId('create-inspection').count(), 0)
      await assertNoHorizontalScroll(page, 'agency inspections list')
      await row.getByTestId('open-inspection').click()
      await page.waitForURL((url) => url.pathname === `/inspections/${state.inspectionId}`)
      await settle(page)
      await page.getByTestId('inspection-record').waitFor({ state: 'visible' })
      assert.equal(await page.getByTestId('complete-inspection').count(), 0)
      assert.equal(await page.getByTestId('add-document').count(), 0)
      assert.equal(await page.getByTestId('remove-document').count(), 0)
      assert.equal(await page.getByTestId('file-input').count(), 0)
      assert.equal(await page.getByTestId('finding-link').count(), 1)
      assert.equal(await page.getByTestId('photo-item').count(), 1)
      assert.equal(await text(page.getByTestId('document-number-text')), DOCUMENT_NUMBER)
      await assertNoHorizontalScroll(page, 'agency inspection')
      await page.screenshot({ path: join(artifactsDir, 'inspection-agency-375.png'), fullPage: true })

      await openFromMenu(page, true, '行政处罚', '/penalties')
      const penalty = listRows(page).filter({ hasText: DECISION }).first()
      await penalty.waitFor({ state: 'visible' })
      assert.equal(await text(penalty.getByTestId('penalty-fine-cell')), '50,000.00 元')
      await assertNoHorizontalScroll(page, 'agency penalties')
      await penalty.getByTestId('penalty-link').click()
      await page.waitForURL((url) => /^\/penalties\/\d+$/.test(url.pathname))
      await settle(page)
      assert.equal(await text(page.getByTestId('penalty-fine-amount')), '50,000.00 元')
      assert.equal(await page.getByTestId('edit-penalty').count(), 0)
      assert.equal(await page.getByTestId('delete-penalty').count(), 0)
      await assertNoHorizontalScroll(page, 'agency penalty detail')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })
})
