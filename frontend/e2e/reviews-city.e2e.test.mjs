// End-to-end checks of the city's side of expert review against the real backend (see harness.mjs): the city edits
// an expert and declares a conflict in 专家库, assigns a report by hand (the conflicted expert is refused, with the
// server's reason), draws experts for another report with a fixed seed and sees the seed and the result; two
// experts then submit differing opinions through the API and the city sees the disagreement in 审查会商 and
// records its decision with the required reason.
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

const SEED = 'e2e-city-draw-2026'
const EDITED = { employer: '秦皇岛市应急管理技术中心', title: '正高级工程师', specialty: '危化品储存' }
const CONFLICT_REASON = '配偶在该机构任项目负责人'
const DECISION_NOTE = '经核对报告第 6.3 节，相关隐患确未评价，采纳吴专家意见，认定存在问题需整改。'
const CRITERIA = [...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `SS0${n}`), ...[1, 2, 3, 4, 5, 6].map((n) => `XJ0${n}`)]

/** What the tests hand on to each other: the two reports worked on and the experts by username. */
const state = { campaignId: null, r1: null, r2: null, experts: {}, problemCode: null, drawnNames: [] }

const text = async (locator) => ((await locator.textContent()) ?? '').trim()
const path = (response) => {
  const url = new URL(response.url())
  return `${url.pathname}${url.search}`
}
/** Waits for one API answer; call it BEFORE the action that triggers the request. */
const answer = (page, method, pattern) => page.waitForResponse((r) => r.request().method() === method && pattern.test(path(r)))
const dropdownItem = (page, name) =>
  page.locator('.el-select-dropdown__item:visible').filter({ has: page.locator('span', { hasText: new RegExp(`^${name}$`) }) }).first()
const panelRow = (page, itemId) => page.locator(`[data-testid="panel-row"][data-item-id="${itemId}"]`)

/** Narrows the 专家审查 list to one report by its number. */
async function searchReport(page, report) {
  const listed = answer(page, 'GET', new RegExp(`^/api/v1/review-panels\\?.*q=${encodeURIComponent(report.report_number)}`))
  await page.getByTestId('panel-search').fill(report.report_number)
  await listed
  await panelRow(page, report.retrieval_item_id).waitFor({ state: 'visible' })
  await settle(page)
}

/** A complete opinion an expert signs: every criterion answered, every applicable hazard item judged. */
async function submitOpinion(username, itemId, problem) {
  const token = await apiToken(username)
  const mine = await apiJson(token, 'GET', `/api/v1/review-assignments?retrieval_item_id=${itemId}`)
  assert.equal(mine.items.length, 1, `${username} reviews report ${itemId}`)
  const detail = await apiJson(token, 'GET', `/api/v1/review-assignments/${mine.items[0].id}`)
  const hazards = detail.applicable_hazards.map((code, index) =>
    problem && index === 0 ? { code, status: 'not_evaluated', location: '第 6.3 节' } : { code, status: index % 2 ? 'evaluated' : 'not_present' },
  )
  // Without an applicable hazard item, a located process-control breach makes the same conclusion.
  const breaches = problem && hazards.length === 0 ? [{ sub_code: 'PC04', description: '现场勘验照片无拍摄时间和地点信息', location: '附件 3' }] : []
  const draft = await apiJson(token, 'POST', '/api/v1/review-opinions', {
    assignment_id: detail.id,
    criteria: CRITERIA.map((code) => ({ code, met: false })),
    hazards,
    other_breaches: breaches,
    opinion_text: problem ? '可燃气体检测报警装置设置情况未评价，需整改。' : '报告内容与现场情况相符，未发现问题。',
    conclusion: problem ? 'rectify' : 'no_problem',
  })
  const me = await apiJson(token, 'GET', '/api/v1/auth/me')
  const signed = await apiJson(token, 'POST', `/api/v1/review-opinions/${draft.id}/submit`, { signature: me.full_name })
  assert.equal(signed.status, 'submitted')
  return problem ? (hazards[0]?.code ?? null) : null
}

describe('Anping expert review, the city side (e2e)', () => {
  useBackend()

  before(async () => {
    const city = await apiToken('city.admin')
    const campaign = await apiJson(city, 'GET', '/api/v1/campaigns/current')
    state.campaignId = campaign.id
    const experts = (await apiJson(city, 'GET', '/api/v1/experts?page_size=200')).items
    for (const username of ['expert.1', 'expert.2', 'expert.5']) {
      const expert = experts.find((e) => e.username === username)
      assert.ok(expert, `${username} is in the expert pool (got ${experts.map((e) => e.username).join(', ') || 'none'})`)
      state.experts[username] = expert
    }
    assert.equal(state.experts['expert.1'].full_name, '周专家')
    assert.equal(state.experts['expert.2'].full_name, '吴专家')
    // Two unassigned reports of one agency that neither 周专家 nor 吴专家 must avoid (an agency and its
    // branches count as one, so a name prefix is enough to stay clear of them).
    const avoided = []
    for (const username of ['expert.1', 'expert.2']) {
      const detail = await apiJson(city, 'GET', `/api/v1/experts/${state.experts[username].id}`)
      if (detail.affiliated_agency_name) avoided.push(detail.affiliated_agency_name)
      avoided.push(...detail.conflicts.map((c) => c.agency_name))
    }
    const clash = (name) => avoided.some((a) => name.startsWith(a) || a.startsWith(name))
    const open = await apiJson(city, 'GET', `/api/v1/review-panels?campaign_id=${campaign.id}&assigned=false&page_size=200&sort=report_number`)
    const byAgency = new Map()
    for (const report of open.items.filter((r) => !clash(r.agency_name))) byAgency.set(report.agency_id, [...(byAgency.get(report.agency_id) ?? []), report])
    const pair = [...byAgency.values()].find((reports) => reports.length >= 2)
    assert.ok(pair, `two unassigned reports of one agency to work on (got ${open.items.length} unassigned)`)
    ;[state.r1, state.r2] = pair
  })

  test('city.admin @ 375px: edits an expert, declares a conflict, assigns a report by hand and draws another', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    const feng = state.experts['expert.5']
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)

      // 专家库: the card of 冯专家.
      await openFromMenu(page, true, '专家库', '/experts')
      const card = listRows(page).filter({ has: page.getByTestId('expert-name').filter({ hasText: new RegExp(`^${feng.full_name}$`) }) })
      await card.waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'experts')

      // Edit: employer, title and a specialty typed as a tag.
      await card.getByTestId('edit-expert').click()
      const edit = page.locator('.el-dialog', { hasText: `编辑专家：${feng.full_name}` })
      await edit.waitFor({ state: 'visible' })
      await edit.getByTestId('expert-employer').fill(EDITED.employer)
      await edit.getByTestId('expert-title').fill(EDITED.title)
      await edit.getByTestId('expert-specialties').locator('.el-select__wrapper').click()
      await page.keyboard.type(EDITED.specialty)
      await page.keyboard.press('Enter')
      await edit.locator('.el-dialog__title').click() // closes the tag input's dropdown
      await edit.getByTestId('expert-specialties').locator('.el-tag', { hasText: EDITED.specialty }).waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'expert edit dialog')
      const saved = answer(page, 'PATCH', new RegExp(`^/api/v1/experts/${feng.id}$`))
      await edit.getByTestId('save-expert').click()
      const savedBody = await (await saved).json()
      assert.deepEqual(
        [savedBody.employer, savedBody.title, savedBody.specialties.includes(EDITED.specialty)],
        [EDITED.employer, EDITED.title, true],
      )
      await edit.waitFor({ state: 'hidden' })
      await card.getByText(EDITED.employer).waitFor({ state: 'visible' })

      // 回避关系: 冯专家 must not review the reports of the first report's agency.
      await card.getByTestId('open-conflicts').click()
      const conflicts = page.locator('.el-dialog', { hasText: `回避关系：${feng.full_name}` })
      await conflicts.waitFor({ state: 'visible' })
      await conflicts.getByTestId('no-conflicts').waitFor({ state: 'visible' })
      await conflicts.getByTestId('conflict-agency-select').locator('.el-select__wrapper').click()
      await page.keyboard.type(state.r1.agency_name)
      await dropdownItem(page, state.r1.agency_name).click()
      await conflicts.getByTestId('conflict-reason-input').fill(CONFLICT_REASON)
      const declared = answer(page, 'POST', new RegExp(`^/api/v1/experts/${feng.id}/conflicts$`))
      await conflicts.getByTestId('add-conflict').click()
      assert.equal((await declared).status(), 201)
      const item = conflicts.getByTestId('conflict-item')
      await item.waitFor({ state: 'visible' })
      assert.equal(await text(item.getByTestId('conflict-agency')), state.r1.agency_name)
      assert.equal(await text(item.getByTestId('conflict-reason')), CONFLICT_REASON)
      await assertNoHorizontalScroll(page, 'expert conflicts dialog')
      await page.screenshot({ path: join(artifactsDir, 'reviews-city-conflicts-375.png') })
      await conflicts.getByRole('button', { name: '关闭', exact: true }).click()
      await conflicts.waitFor({ state: 'hidden' })
      assert.equal(await text(card.getByTestId('conflict-count')), '1 家')

      // 专家审查: the first report, by hand. 冯专家 is refused with the server's reason, nothing is assigned.
      await openFromMenu(page, true, '专家审查', '/reviews')
      await listRows(page).first().waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'review panels')
      await searchReport(page, state.r1)
      assert.equal(await text(panelRow(page, state.r1.retrieval_item_id).getByTestId('panel-link')), state.r1.project_name)
      await panelRow(page, state.r1.retrieval_item_id).getByTestId('select-report').click()
      assert.equal(await text(page.getByTestId('selected-count')), '已选 1 份报告')
      await page.getByTestId('assign-selected').click()
      const assign = page.locator('.el-dialog', { hasText: '指定审查专家' })
      await assign.waitFor({ state: 'visible' })
      const pick = async (name) => {
        await assign.getByTestId('assign-experts').locator('.el-select__wrapper').click()
        await dropdownItem(page, name).click()
        await assign.locator('.scope').click() // closes the dropdown
      }
      await pick(feng.full_name)
      await pick('周专家')
      const refused = answer(page, 'POST', /^\/api\/v1\/review-assignments$/)
      await assign.getByTestId('confirm-assign').click()
      assert.equal((await refused).status(), 422)
      const errors = assign.getByTestId('assign-errors')
      await errors.waitFor({ state: 'visible' })
      assert.match(await text(errors), new RegExp(`${feng.full_name}.*须回避`))
      await assertNoHorizontalScroll(page, 'assign dialog with the conflict')
      await page.screenshot({ path: join(artifactsDir, 'reviews-city-assign-refused-375.png') })
      await assign.getByTestId('assign-experts').locator('.el-tag', { hasText: feng.full_name }).locator('.el-tag__close').click()
      await pick('吴专家')
      const assigned = answer(page, 'POST', /^\/api\/v1\/review-assignments$/)
      await assign.getByTestId('confirm-assign').click()
      const created = await (await assigned).json()
      assert.deepEqual(created.map((a) => a.expert_name).sort(), ['吴专家', '周专家'].sort())
      assert.ok(created.every((a) => a.method === 'manual' && a.retrieval_item_id === state.r1.retrieval_item_id))
      await assign.waitFor({ state: 'hidden' })
      await panelRow(page, state.r1.retrieval_item_id).waitFor({ state: 'visible' })
      assert.equal(await text(listRows(page).first().getByTestId('panel-progress')), '已提交 0/2')

      // The second report, by a draw with a fixed seed: the seed and the result are shown, and can be checked.
      await searchReport(page, state.r2)
      await panelRow(page, state.r2.retrieval_item_id).getByTestId('select-report').click()
      await page.getByTestId('draw-selected').click()
      const draw = page.locator('.el-dialog', { hasText: '随机抽取审查专家' })
      await draw.waitFor({ state: 'visible' })
      await draw.getByTestId('draw-seed-input').fill(SEED)
      const drawn = answer(page, 'POST', /^\/api\/v1\/review-draws$/)
      await draw.getByTestId('confirm-draw').click()
      const response = await drawn
      assert.equal(response.status(), 201)
      const result = await response.json()
      const shown = page.getByTestId('draw-result')
      await shown.waitFor({ state: 'visible' })
      assert.equal(await text(shown.getByTestId('draw-seed')), SEED)
      assert.equal(result.seed, SEED)
      assert.equal(await text(shown.getByTestId('draw-reproducible')), '可复核')
      const names = new Map(result.assignments.map((a) => [a.expert_id, a.expert_name]))
      const expected = result.result[String(state.r2.retrieval_item_id)].map((id) => names.get(id))
      assert.equal(expected.length, 2)
      const row = shown.locator(`[data-testid="draw-row"][data-item-id="${state.r2.retrieval_item_id}"]`)
      assert.equal(await text(row.getByTestId('draw-report')), `${state.r2.project_name}（${state.r2.report_number}）`)
      assert.deepEqual((await row.getByTestId('draw-drawn').locator('.el-tag').allTextContents()).map((t) => t.trim()), expected)
      // 冯专家 was left out for the conflict just declared.
      assert.match(await text(row.getByTestId('draw-excluded')), new RegExp(feng.full_name))
      assert.ok(!expected.includes(feng.full_name))
      state.drawnNames = expected
      // The server replays the recorded draw from its seed.
      const replayed = answer(page, 'GET', new RegExp(`^/api/v1/review-draws/${result.id}$`))
      await shown.getByTestId('draw-verify').click()
      const replay = await (await replayed).json()
      assert.equal(replay.reproducible, true)
      assert.deepEqual(replay.result, result.result)
      assert.equal(await text(shown.getByTestId('draw-reproducible')), '可复核')
      await assertNoHorizontalScroll(page, 'draw result')
      await page.screenshot({ path: join(artifactsDir, 'reviews-city-draw-375.png') })
      await page.getByTestId('close-draw').click()
      await shown.waitFor({ state: 'hidden' })
      await panelRow(page, state.r2.retrieval_item_id).waitFor({ state: 'visible' })
      assert.equal(await text(listRows(page).first().getByTestId('panel-progress')), '已提交 0/2')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 1440px: sees two experts disagree side by side and records the decision with its reason', async () => {
    assert.ok(state.drawnNames.length, 'the reports were assigned')
    // 周专家 finds nothing, 吴专家 a hazard item not evaluated: their conclusions differ.
    await submitOpinion('expert.1', state.r1.retrieval_item_id, false)
    state.problemCode = await submitOpinion('expert.2', state.r1.retrieval_item_id, true)

    const { context, page, problems } = await newPage(VIEWPORTS[1])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)

      // 专家库 at desktop width: a conflict is removed only after confirming.
      await openFromMenu(page, false, '专家库', '/experts')
      const wang = listRows(page).filter({ has: page.getByTestId('expert-name').filter({ hasText: /^王专家$/ }) })
      await wang.waitFor({ state: 'visible' })
      await wang.getByTestId('open-conflicts').click()
      const conflicts = page.locator('.el-dialog', { hasText: '回避关系：王专家' })
      await conflicts.waitFor({ state: 'visible' })
      await conflicts.getByTestId('conflict-agency-select').locator('.el-select__wrapper').click()
      await page.keyboard.type(state.r1.agency_name)
      await dropdownItem(page, state.r1.agency_name).click()
      await conflicts.getByTestId('conflict-reason-input').fill('临时登记，随后解除')
      const declared = answer(page, 'POST', /^\/api\/v1\/experts\/\d+\/conflicts$/)
      await conflicts.getByTestId('add-conflict').click()
      await declared
      const item = conflicts.getByTestId('conflict-item').filter({ hasText: state.r1.agency_name })
      await item.waitFor({ state: 'visible' })
      await item.getByTestId('remove-conflict').click()
      await page.locator('.el-message-box', { hasText: '解除回避关系' }).waitFor({ state: 'visible' })
      await confirmMessageBox(page, '取消')
      assert.equal(await item.count(), 1, 'cancelled: the conflict stays')
      await item.getByTestId('remove-conflict').click()
      const removed = answer(page, 'DELETE', /^\/api\/v1\/experts\/\d+\/conflicts\/\d+$/)
      await confirmMessageBox(page, '解除')
      assert.equal((await removed).status(), 200)
      await item.waitFor({ state: 'detached' })
      await conflicts.getByRole('button', { name: '关闭', exact: true }).click()
      await conflicts.waitFor({ state: 'hidden' })

      // 专家审查: the report with both opinions is flagged.
      await openFromMenu(page, false, '专家审查', '/reviews')
      await listRows(page).first().waitFor({ state: 'visible' })
      await searchReport(page, state.r1)
      const row = listRows(page).filter({ has: panelRow(page, state.r1.retrieval_item_id) })
      assert.equal(await text(row.getByTestId('panel-progress')), '已提交 2/2')
      assert.equal(await text(row.getByTestId('panel-disagreement')), '有分歧')
      assert.equal(await text(row.getByTestId('panel-decision')), '待认定')
      await panelRow(page, state.r1.retrieval_item_id).getByTestId('panel-link').click()
      await page.waitForURL((url) => url.pathname === `/reviews/${state.r1.retrieval_item_id}`)
      await settle(page)
      assert.equal(await text(page.getByTestId('panel-title')), state.r1.project_name)
      assert.equal(await text(page.getByTestId('panel-disagreement')), '有分歧')

      // Who reviews it, how they were chosen, how far they are.
      const assignments = page.getByTestId('assignment-list').locator('.el-table__body tr')
      assert.equal(await assignments.count(), 2)
      for (const name of ['周专家', '吴专家']) {
        const line = assignments.filter({ hasText: name })
        assert.equal(await text(line.getByTestId('assignment-state')), '已提交')
        assert.match(await text(line), /手动指定/)
        assert.equal(await line.getByTestId('remove-assignment').count(), 0, 'a submitted review cannot be withdrawn')
      }

      // The disagreement: summarised at the top, and the differing rows marked in the comparison.
      const summary = page.getByTestId('disagreement-summary')
      await summary.waitFor({ state: 'visible' })
      const conclusionLine = summary.locator('[data-testid="disagreement-item"][data-topic="conclusion"]')
      assert.match(await text(conclusionLine), /审查结论.*周专家「未发现问题」.*吴专家「存在问题需整改」/)
      const comparison = page.getByTestId('opinion-comparison')
      assert.equal(await comparison.getByTestId('opinion-column').count(), 2)
      assert.equal(await comparison.locator('[data-testid="compare-row"][data-code="conclusion"]').getAttribute('data-differs'), 'true')
      assert.deepEqual((await comparison.getByTestId('opinion-conclusion').allTextContents()).map((t) => t.trim()), ['未发现问题', '存在问题需整改'])
      if (state.problemCode) {
        assert.equal(await summary.locator(`[data-testid="disagreement-item"][data-topic="${state.problemCode}"]`).count(), 1)
        const hazardRow = comparison.locator(`[data-testid="compare-row"][data-code="${state.problemCode}"]`)
        assert.equal(await hazardRow.getAttribute('data-differs'), 'true')
        assert.match(await text(hazardRow), /未评价/)
        assert.match(await text(hazardRow), /第 6\.3 节/)
      }
      assert.equal(await comparison.locator('[data-testid="compare-row"][data-code="SS01"]').getAttribute('data-differs'), 'false')
      assert.deepEqual((await comparison.getByTestId('opinion-signature').allTextContents()).map((t) => t.trim()), ['周专家', '吴专家'])

      // Each opinion's signed PDF downloads with the token the page holds.
      const downloading = page.waitForEvent('download')
      await comparison.getByTestId('download-opinion-pdf').first().click()
      const download = await downloading
      assert.match(download.suggestedFilename(), /\.pdf$/)
      assert.equal((await readFile(await download.path())).subarray(0, 5).toString('latin1'), '%PDF-')
      assert.match(await comparison.getByTestId('view-opinion').first().getAttribute('href'), /^\/my-reviews\/\d+$/)
      await page.screenshot({ path: join(artifactsDir, 'reviews-city-panel-1440.png'), fullPage: true })

      // The decision: a reason is required while the experts disagree.
      const decision = page.getByTestId('decision-form')
      await decision.locator('.el-radio', { hasText: '存在问题需整改' }).click()
      await decision.getByTestId('save-decision').click()
      await decision.locator('.el-form-item__error', { hasText: '请说明最终认定的理由' }).waitFor({ state: 'visible' })
      await decision.getByTestId('decision-note').fill(DECISION_NOTE)
      const decided = answer(page, 'PUT', new RegExp(`^/api/v1/review-panels/${state.r1.retrieval_item_id}/decision$`))
      await decision.getByTestId('save-decision').click()
      assert.equal((await decided).status(), 200)
      const recorded = page.getByTestId('recorded-decision')
      await recorded.waitFor({ state: 'visible' })
      assert.equal(await text(recorded.getByTestId('recorded-conclusion')), '存在问题需整改')
      assert.equal(await text(recorded.getByTestId('recorded-note')), DECISION_NOTE)
      assert.match(await text(recorded), /张建国/)
      assert.equal(await text(page.getByTestId('panel-decision')), '已认定：存在问题需整改')

      // Back in the list, the report says so.
      await page.locator('.back-link').click()
      await page.waitForURL((url) => url.pathname === '/reviews')
      await settle(page)
      await searchReport(page, state.r1)
      assert.equal(await text(listRows(page).first().getByTestId('panel-decision')), '已认定：存在问题需整改')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })

  test('city.admin @ 375px: reads the panel as stacked cards and withdraws a drawn expert after confirming', async () => {
    const { context, page, problems } = await newPage(VIEWPORTS[0])
    try {
      await login(page, 'city.admin')
      await assertHome(page, HOMES.city)
      await page.goto(`${backend.baseUrl}/reviews/${state.r1.retrieval_item_id}`)
      await settle(page)
      await page.getByTestId('disagreement-summary').waitFor({ state: 'visible' })
      const cards = page.getByTestId('opinion-comparison').locator('article[data-testid="opinion-column"]')
      assert.equal(await cards.count(), 2, 'one card per expert on a phone')
      // Phones start with just the rows that matter.
      assert.ok((await cards.first().locator('[data-testid="compare-row"][data-differs="false"]').count()) < 14)
      if (state.problemCode) await cards.first().locator(`[data-testid="compare-row"][data-code="${state.problemCode}"][data-differs="true"]`).waitFor()
      assert.equal(await text(page.getByTestId('recorded-conclusion')), '存在问题需整改')
      await assertNoHorizontalScroll(page, 'panel with opinions')
      await page.screenshot({ path: join(artifactsDir, 'reviews-city-panel-375.png'), fullPage: true })

      // The drawn report: one of the two experts is withdrawn, after confirming.
      await page.goto(`${backend.baseUrl}/reviews/${state.r2.retrieval_item_id}`)
      await settle(page)
      const assigned = page.getByTestId('assignment-list').locator('article.card')
      assert.equal(await assigned.count(), 2)
      const first = assigned.filter({ hasText: state.drawnNames[0] })
      assert.match(await text(first), /随机抽取/)
      await first.getByTestId('remove-assignment').click()
      await page.locator('.el-message-box', { hasText: '撤销审查任务' }).waitFor({ state: 'visible' })
      await confirmMessageBox(page, '取消')
      assert.equal(await assigned.count(), 2)
      await first.getByTestId('remove-assignment').click()
      const removed = answer(page, 'DELETE', /^\/api\/v1\/review-assignments\/\d+$/)
      await confirmMessageBox(page, '撤销')
      assert.equal((await removed).status(), 204)
      await first.waitFor({ state: 'detached' })
      assert.equal(await assigned.count(), 1)
      await page.getByTestId('panel-opinions').getByText('专家尚未提交审查意见').waitFor({ state: 'visible' })
      await assertNoHorizontalScroll(page, 'panel without opinions')
      assert.deepEqual(problems, [], 'no uncaught page errors')
    } finally {
      await context.close()
    }
  })
})
