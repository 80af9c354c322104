import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type { components, paths } from '@/api/schema'

type Schemas = components['schemas']

export type Assignment = Schemas['AssignmentRead']
export type AssignmentDetail = Schemas['AssignmentDetail']
export type AssignmentState = Assignment['state']
export type AssignmentPage = Schemas['Page_AssignmentRead_']
export type AssignmentQuery = NonNullable<paths['/api/v1/review-assignments']['get']['parameters']['query']>
export type ProjectMember = Schemas['ProjectMemberBrief']
export type Opinion = Schemas['OpinionRead']
export type OpinionDetail = Schemas['OpinionDetail']
export type OpinionFinding = Schemas['OpinionFindingRef']
export type OpinionContent = Schemas['OpinionUpdate']
export type CriterionAnswer = Schemas['CriterionAnswer']
export type HazardAnswer = Schemas['HazardAnswer']
export type OtherBreach = Schemas['OtherBreach']
export type ChecklistCode = Schemas['ReferenceCodeRead']

/** The reference lists the review checklist is made of. */
export type ChecklistCategory = 'review_inaccurate' | 'review_false' | 'major_hazard' | 'process_control_breach'

/** The expert's own assignments (the server scopes the list to the signed-in expert). */
export function listMyAssignments(query: AssignmentQuery): Promise<AssignmentPage> {
  return unwrap(api.GET('/api/v1/review-assignments', { params: { query } }))
}

/** How many of the expert's assignments are in a state: a page of one row, read for its total. */
export async function countMyAssignments(state: AssignmentState): Promise<number> {
  return (await listMyAssignments({ state, page_size: 1 })).total
}

/** The report, its archive, the project team, the applicable hazard items and every version of the opinion. */
export function getAssignment(id: number): Promise<AssignmentDetail> {
  return unwrap(api.GET('/api/v1/review-assignments/{assignment_id}', { params: { path: { assignment_id: id } } }))
}

export async function listChecklistCodes(category: ChecklistCategory): Promise<ChecklistCode[]> {
  const page = await unwrap(api.GET('/api/v1/reference-codes', { params: { query: { category } } }))
  return page.items
}

export function getOpinion(id: number): Promise<OpinionDetail> {
  return unwrap(api.GET('/api/v1/review-opinions/{opinion_id}', { params: { path: { opinion_id: id } } }))
}

/** Starts the draft; 409 when the assignment already has one (or a submitted opinion). */
export function createOpinion(assignmentId: number, content: OpinionContent): Promise<OpinionDetail> {
  return unwrap(api.POST('/api/v1/review-opinions', { body: { assignment_id: assignmentId, ...content } })) as Promise<OpinionDetail>
}

/** Saves the draft; 409 once it is submitted. */
export function saveOpinion(id: number, content: OpinionContent): Promise<OpinionDetail> {
  return unwrap(api.PUT('/api/v1/review-opinions/{opinion_id}', { params: { path: { opinion_id: id } }, body: content }))
}

export async function discardOpinion(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/review-opinions/{opinion_id}', { params: { path: { opinion_id: id } } }))
}

/** Signs and submits; 422 with one `errors[]` entry per missing answer, or on `signature` for a wrong name. */
export function submitOpinion(id: number, signature: string): Promise<OpinionDetail> {
  return unwrap(api.POST('/api/v1/review-opinions/{opinion_id}/submit', { params: { path: { opinion_id: id } }, body: { signature } }))
}

/** The next version as a draft, a copy of the latest submitted one. */
export function correctOpinion(id: number, reason: string): Promise<OpinionDetail> {
  return unwrap(
    api.POST('/api/v1/review-opinions/{opinion_id}/corrections', { params: { path: { opinion_id: id } }, body: { reason } }),
  ) as Promise<OpinionDetail>
}

/** Saves the 审查意见书 (fetched with the session's token, so not through a signed link). */
export function downloadOpinionPdf(id: number, fallbackName: string): Promise<string> {
  return downloadFrom(
    api.GET('/api/v1/review-opinions/{opinion_id}/pdf', { params: { path: { opinion_id: id } }, parseAs: 'blob' }),
    fallbackName,
  )
}
