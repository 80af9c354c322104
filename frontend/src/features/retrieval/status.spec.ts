import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/problem'
import type { AttachedFile } from '@/api/types'
import type { Principal } from '@/router/access'
import {
  canEditItem,
  canReview,
  canSubmit,
  daysUntil,
  filesOf,
  itemStatusLabel,
  missingEntries,
  missingText,
  requestStatusLabel,
  requestStatusTag,
  submitErrorsByItem,
} from './status'

// The permissions /auth/me gives each role for retrieval (backend/authz/policies.py).
const city: Principal = { role: 'city', permissions: ['retrieval:read', 'retrieval:manage'] }
const county: Principal = { role: 'county', permissions: ['retrieval:read'] }
const agency: Principal = { role: 'agency', permissions: ['retrieval:read', 'retrieval:submit'] }
const expert: Principal = { role: 'expert', permissions: [] }

const REQUEST_STATUSES = ['open', 'submitted', 'returned', 'completed'] as const
const ITEM_STATUSES = ['pending', 'submitted', 'received', 'returned'] as const

describe('retrieval states', () => {
  it('labels requests and items in Chinese', () => {
    expect(REQUEST_STATUSES.map(requestStatusLabel)).toEqual(['待报送', '已提交，待接收', '已退回，待补交', '已完成'])
    expect(ITEM_STATUSES.map(itemStatusLabel)).toEqual(['待上传', '已提交', '已接收', '已退回'])
    expect(requestStatusTag('completed')).toBe('success')
    expect(requestStatusTag('returned')).toBe('danger')
    expect(requestStatusLabel('unknown')).toBe('unknown')
  })
})

describe('who may do what, in which state', () => {
  it('lets only the agency change the files of a project not yet handed in or returned', () => {
    const allowed: string[] = []
    for (const who of [city, county, agency, expert]) {
      for (const request of REQUEST_STATUSES) {
        for (const item of ITEM_STATUSES) {
          if (canEditItem(who, { status: request }, { status: item })) allowed.push(`${who.role} ${request} ${item}`)
        }
      }
    }
    // A returned project stays editable while the city is still reviewing the others (request still submitted).
    expect(allowed).toEqual([
      'agency open pending',
      'agency open returned',
      'agency submitted pending',
      'agency submitted returned',
      'agency returned pending',
      'agency returned returned',
    ])
  })

  it('lets the agency submit an open or returned request that has projects to hand in', () => {
    const items = (...statuses: string[]) => statuses.map((status) => ({ status }))
    expect(canSubmit(agency, { status: 'open', items: items('pending', 'pending') })).toBe(true)
    expect(canSubmit(agency, { status: 'returned', items: items('received', 'returned') })).toBe(true)
    expect(canSubmit(agency, { status: 'submitted', items: items('submitted', 'returned') })).toBe(false)
    expect(canSubmit(agency, { status: 'completed', items: items('received') })).toBe(false)
    expect(canSubmit(agency, { status: 'returned', items: items('received', 'submitted') })).toBe(false)
    expect(canSubmit(city, { status: 'open', items: items('pending') })).toBe(false)
    expect(canSubmit(county, { status: 'open', items: items('pending') })).toBe(false)
  })

  it('lets only the city review, and only submitted projects', () => {
    const reviewable = ITEM_STATUSES.filter((status) => canReview(city, { status }))
    expect(reviewable).toEqual(['submitted'])
    expect(canReview(county, { status: 'submitted' })).toBe(false)
    expect(canReview(agency, { status: 'submitted' })).toBe(false)
    expect(canReview(null, { status: 'submitted' })).toBe(false)
  })
})

describe('what is missing', () => {
  const item = (id: number, status: string, missing: string[]) => ({ id, project_name: `项目${id}`, report_number: `AP-${id}`, status, missing })

  it('lists the open projects still missing a report or an archive', () => {
    expect(missingText(['report', 'archive'])).toBe('缺评价报告、过程控制档案')
    expect(missingText(['archive'])).toBe('缺过程控制档案')
    expect(missingText([])).toBe('')
    const entries = missingEntries([item(1, 'pending', ['report', 'archive']), item(2, 'pending', []), item(3, 'returned', ['archive']), item(4, 'submitted', ['archive'])])
    expect(entries).toEqual([
      { itemId: 1, projectName: '项目1', reportNumber: 'AP-1', text: '缺评价报告、过程控制档案' },
      { itemId: 3, projectName: '项目3', reportNumber: 'AP-3', text: '缺过程控制档案' },
    ])
  })

  it("places a refused submit's errors on their projects", () => {
    const error = new ApiError(422, '还有 2 个项目的材料不齐，不能提交', {
      fieldErrors: [
        { field: 'items.7', message: '项目甲：缺少评价报告' },
        { field: 'body.items.9', message: '项目乙：缺少过程控制档案' },
        { field: 'note', message: '别的问题' },
      ],
    })
    const { byItem, other } = submitErrorsByItem(error)
    expect([...byItem]).toEqual([
      [7, '项目甲：缺少评价报告'],
      [9, '项目乙：缺少过程控制档案'],
    ])
    expect(other).toEqual(['别的问题'])
    expect(submitErrorsByItem(new Error('x')).byItem.size).toBe(0)
  })

  it('orders a slot’s files newest first', () => {
    const file = (link_id: number, slot: 'report' | 'archive', added_at: string) => ({ link_id, slot, added_at }) as AttachedFile
    const files = [file(1, 'archive', '2026-10-01T01:00:00Z'), file(2, 'report', '2026-10-01T02:00:00Z'), file(3, 'archive', '2026-10-02T01:00:00Z')]
    expect(filesOf(files, 'archive').map((f) => f.link_id)).toEqual([3, 1])
    expect(filesOf(files, 'report').map((f) => f.link_id)).toEqual([2])
  })

  it('counts the days to the deadline', () => {
    expect(daysUntil('2026-10-25', '2026-10-20')).toBe(5)
    expect(daysUntil('2026-10-25', '2026-10-25')).toBe(0)
    expect(daysUntil('2026-10-25', '2026-11-30')).toBe(-36)
    expect(daysUntil('2026-03-30', '2026-03-28')).toBe(2) // across a DST change elsewhere
  })
})
