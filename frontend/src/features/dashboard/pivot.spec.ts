import { describe, expect, it } from 'vitest'
import { pivotByCode, pivotByCounty, selfCheckProgress, statusColumns, summarize, UNASSIGNED_COUNTY } from './pivot'

const WORKFLOW = ['open', 'rectifying', 'submitted', 'accepted', 'reopened']
const county = (county_id: number | null, county_name: string | null, status: string, count: number) => ({ county_id, county_name, status, count })

describe('statusColumns', () => {
  it('lists the workflow statuses in order even when absent, unknown ones after', () => {
    expect(statusColumns([])).toEqual(WORKFLOW)
    expect(statusColumns(['accepted', 'zeta', 'open', 'alpha', 'zeta'])).toEqual([...WORKFLOW, 'alpha', 'zeta'])
  })
})

describe('pivotByCounty', () => {
  it('builds a county × status table with row and column totals', () => {
    const table = pivotByCounty([
      county(3, '昌黎县应急管理局', 'open', 2),
      county(3, '昌黎县应急管理局', 'accepted', 1),
      county(1, '海港区应急管理局', 'open', 4),
      county(1, '海港区应急管理局', 'submitted', 3),
    ])
    expect(table.statuses).toEqual(WORKFLOW)
    expect(table.rows.map((r) => [r.label, r.total])).toEqual([
      ['海港区', 7],
      ['昌黎县', 3],
    ])
    expect(table.rows[0].counts).toEqual({ open: 4, rectifying: 0, submitted: 3, accepted: 0, reopened: 0 })
    expect(table.columnTotals).toEqual({ open: 6, rectifying: 0, submitted: 3, accepted: 1, reopened: 0 })
    expect(table.total).toBe(10)
  })

  it('orders counties by id with the unassigned ones last', () => {
    const table = pivotByCounty([
      county(null, null, 'open', 1),
      county(9, '青龙满族自治县应急管理局', 'open', 1),
      county(2, '山海关区应急管理局', 'open', 1),
    ])
    expect(table.rows.map((r) => r.label)).toEqual(['山海关区', '青龙满族自治县', UNASSIGNED_COUNTY])
    expect(table.rows.map((r) => r.countyId)).toEqual([2, 9, null])
    expect(new Set(table.rows.map((r) => r.key)).size).toBe(3)
  })

  it('adds up repeated pairs and keeps an unknown status as its own column', () => {
    const table = pivotByCounty([county(1, '海港区应急管理局', 'open', 2), county(1, '海港区应急管理局', 'open', 3), county(1, '海港区应急管理局', 'archived', 1)])
    expect(table.statuses).toEqual([...WORKFLOW, 'archived'])
    expect(table.rows).toHaveLength(1)
    expect(table.rows[0].counts.open).toBe(5)
    expect(table.rows[0].total).toBe(6)
    expect(table.columnTotals.archived).toBe(1)
    expect(table.total).toBe(6)
  })

  it('gives an empty table with zero totals for no rows', () => {
    const table = pivotByCounty([])
    expect(table.rows).toEqual([])
    expect(table.statuses).toEqual(WORKFLOW)
    expect(Object.values(table.columnTotals)).toEqual([0, 0, 0, 0, 0])
    expect(table.total).toBe(0)
    expect(summarize(table)).toEqual({ total: 0, accepted: 0, unaccepted: 0 })
  })
})

describe('pivotByCode', () => {
  it('lists the nine codes in order (zeros included), unknown codes after, with totals', () => {
    const table = pivotByCode([
      { code: 'R2', status: 'open', count: 2 },
      { code: 'Q1', status: 'accepted', count: 1 },
      { code: 'Q1', status: 'open', count: 3 },
      { code: 'X9', status: 'reopened', count: 1 },
    ])
    expect(table.rows.map((r) => r.code)).toEqual(['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'R1', 'R2', 'R3', 'R4', 'X9'])
    expect(table.rows[0]).toMatchObject({ code: 'Q1', total: 4, counts: { open: 3, accepted: 1 } })
    expect(table.rows[1].total).toBe(0)
    expect(table.columnTotals).toEqual({ open: 5, rectifying: 0, submitted: 0, accepted: 1, reopened: 1 })
    expect(table.total).toBe(7)
  })

  it('still lists the nine codes when there is nothing', () => {
    const table = pivotByCode([])
    expect(table.rows).toHaveLength(9)
    expect(table.total).toBe(0)
  })
})

describe('summarize', () => {
  it('counts everything not accepted as unaccepted', () => {
    const table = pivotByCounty([
      county(1, '海港区应急管理局', 'open', 2),
      county(1, '海港区应急管理局', 'submitted', 1),
      county(1, '海港区应急管理局', 'reopened', 1),
      county(2, '山海关区应急管理局', 'accepted', 5),
    ])
    expect(summarize(table)).toEqual({ total: 9, accepted: 5, unaccepted: 4 })
  })
})

describe('selfCheckProgress', () => {
  const check = (county_id: number | null, kind: string, status: string, count: number) => ({
    county_id,
    county_name: county_id === null ? null : `县${county_id}应急管理局`,
    kind,
    status,
    count,
  })

  it('counts handed-in and accepted forms per county and kind', () => {
    const progress = selfCheckProgress([
      check(2, 'projects', 'draft', 1),
      check(2, 'qualification', 'submitted', 2),
      check(2, 'qualification', 'returned', 1),
      check(2, 'qualification', 'accepted', 1),
      check(null, 'projects', 'resubmitted', 1),
      check(1, 'projects', 'accepted', 3),
    ])
    expect(progress.kinds).toEqual(['qualification', 'projects'])
    expect(progress.rows.map((r) => r.label)).toEqual(['县1', '县2', UNASSIGNED_COUNTY])
    const second = progress.rows[1]
    expect(second.kinds.qualification).toEqual({ total: 4, handedIn: 3, accepted: 1 })
    expect(second.kinds.projects).toEqual({ total: 1, handedIn: 0, accepted: 0 })
    expect(second.total).toEqual({ total: 5, handedIn: 3, accepted: 1 })
    expect(progress.rows[2].kinds.projects).toEqual({ total: 1, handedIn: 1, accepted: 0 })
    expect(progress.total).toEqual({ total: 9, handedIn: 7, accepted: 4 })
  })

  it('is empty for no rows', () => {
    expect(selfCheckProgress([])).toEqual({ kinds: ['qualification', 'projects'], rows: [], total: { total: 0, handedIn: 0, accepted: 0 } })
  })
})
