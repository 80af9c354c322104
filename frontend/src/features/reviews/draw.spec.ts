import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/problem'
import type { Assignment, DrawResult } from './city-api'
import { drawCampaign, drawRefusal, drawRows, seedError } from './draw'

const assignment = (id: number, itemId: number, expertId: number, expertName: string) =>
  ({ id, retrieval_item_id: itemId, expert_id: expertId, expert_name: expertName }) as Assignment

const result: DrawResult = {
  id: 3,
  campaign_id: 2,
  seed: 'e2e-seed-1',
  drawn_at: '2026-11-30T02:00:00Z',
  experts_per_report: 1,
  item_ids: [5, 9],
  pool: [7, 8, 10],
  excluded: { '5': [8], '9': [] },
  result: { '5': [7], '9': [10] },
  reproducible: true,
  assignments: [assignment(1, 5, 7, '周专家'), assignment(2, 9, 10, '郑专家')],
}

describe('the draw result', () => {
  it('names per report the experts drawn and those left out, in the draw’s order', () => {
    const rows = drawRows(result, new Map([[7, '周专家'], [8, '吴专家']]), new Map([[5, '甲项目（A-1）']]))
    expect(rows).toEqual([
      { itemId: 5, report: '甲项目（A-1）', drawn: ['周专家'], excluded: ['吴专家'] },
      // Missing from the pool list: named by the draw's own assignment; an unknown report by its id.
      { itemId: 9, report: '报告 #9', drawn: ['郑专家'], excluded: [] },
    ])
  })

  it('never drops an expert it cannot name', () => {
    const rows = drawRows({ ...result, excluded: { '5': [42] }, assignments: [] }, new Map(), new Map())
    expect(rows[0].excluded).toEqual(['专家 #42'])
    expect(rows[0].drawn).toEqual(['专家 #7'])
  })
})

describe('the seed', () => {
  it('accepts what the server accepts', () => {
    expect(seedError('')).toBe('')
    expect(seedError('  ')).toBe('')
    expect(seedError('e2e_seed-2024')).toBe('')
    expect(seedError('a'.repeat(64))).toBe('')
    expect(seedError('a'.repeat(65))).not.toBe('')
    expect(seedError('种子')).toMatch(/字母、数字/)
    expect(seedError('a b')).not.toBe('')
  })
})

describe('a refused draw', () => {
  it('gives the detail and the distinct other reasons', () => {
    const error = new ApiError(422, '提交的内容有误', {
      problem: { detail: '可抽取的专家不足' },
      fieldErrors: [
        { field: 'a', message: '可抽取的专家不足' },
        { field: 'b', message: '专家甲须回避' },
        { field: 'c', message: '专家甲须回避' },
      ],
    })
    expect(drawRefusal(error)).toEqual({ title: '可抽取的专家不足', reasons: ['专家甲须回避'] })
    expect(drawRefusal(new ApiError(409, '冲突'))).toBeNull()
    expect(drawRefusal(new Error('x'))).toBeNull()
  })
})

describe('the draw’s campaign', () => {
  it('is the reports’ one campaign', () => {
    expect(drawCampaign([{ campaign_id: 2 }, { campaign_id: 2 }])).toBe(2)
    expect(drawCampaign([{ campaign_id: 2 }, { campaign_id: 3 }])).toBe('mixed')
    expect(drawCampaign([])).toBeNull()
  })
})
