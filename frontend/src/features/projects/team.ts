import type { MemberIn, MemberRole, ProjectMember, ProjectSiteVisit, SiteVisitIn } from '@/api/types'

/** A person on a project: a registered evaluator (their id) or a name typed in by hand. */
export type Person = number | string

export interface MemberRow {
  key: number
  role: MemberRole
  person: Person | null
}

export interface VisitRow {
  key: number
  visited_on: string
  people: Person[]
}

let nextKey = 1
export const rowKey = (): number => nextKey++

export function memberRows(members: readonly ProjectMember[]): MemberRow[] {
  return members.map((m) => ({ key: rowKey(), role: m.role as MemberRole, person: m.evaluator_id ?? m.name }))
}

/** Site visits are stored one per person and day; the form groups them by day. */
export function visitRows(visits: readonly ProjectSiteVisit[]): VisitRow[] {
  const byDay = new Map<string, Person[]>()
  for (const v of visits) {
    const people = byDay.get(v.visited_on) ?? []
    people.push(v.evaluator_id ?? v.name)
    byDay.set(v.visited_on, people)
  }
  return [...byDay.entries()].map(([visited_on, people]) => ({ key: rowKey(), visited_on, people }))
}

function personIn(person: Person): { evaluator_id: number } | { name: string } {
  return typeof person === 'number' ? { evaluator_id: person } : { name: person.trim() }
}

export function membersPayload(rows: readonly MemberRow[]): MemberIn[] {
  return rows.filter((r) => r.person !== null && r.person !== '').map((r) => ({ role: r.role, ...personIn(r.person as Person) }))
}

export function visitsPayload(rows: readonly VisitRow[]): SiteVisitIn[] {
  return rows.flatMap((r) => r.people.map((person) => ({ visited_on: r.visited_on, ...personIn(person) })))
}

/** The reason a team is not acceptable, or null: every row names someone, at most one 项目负责人. */
export function membersProblem(rows: readonly MemberRow[]): string | null {
  if (rows.some((r) => r.person === null || (typeof r.person === 'string' && !r.person.trim()))) return '请为每一行选择或输入人员'
  if (rows.filter((r) => r.role === 'leader').length > 1) return '项目负责人只能有一位'
  return null
}

export function visitsProblem(rows: readonly VisitRow[], issuedOn: string): string | null {
  if (rows.some((r) => !r.visited_on)) return '请选择现场勘验日期'
  if (rows.some((r) => r.people.length === 0)) return '请为每次勘验选择或输入勘验人员'
  if (issuedOn && rows.some((r) => r.visited_on > issuedOn)) return '现场勘验日期不能晚于报告出具日期'
  return null
}

/** When the agency changes, its evaluators' ids no longer apply: keep the people by name. */
export function toNames<T extends { person?: Person | null; people?: Person[] }>(row: T, nameOf: (id: number) => string | undefined): T {
  const name = (p: Person): Person => (typeof p === 'number' ? (nameOf(p) ?? String(p)) : p)
  return {
    ...row,
    ...(row.person !== undefined && row.person !== null ? { person: name(row.person) } : {}),
    ...(row.people ? { people: row.people.map(name) } : {}),
  }
}
