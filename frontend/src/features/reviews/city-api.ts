import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type { components, paths } from '@/api/schema'

/** The city's side of expert review: the expert pool, reports under review, assignments, draws and panels. */
type Schemas = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Expert = Schemas['ExpertRead']
export type ExpertDetail = Schemas['ExpertDetail']
export type ExpertConflict = Schemas['ExpertConflictRead']
export type ExpertUpdate = Schemas['ExpertUpdate']
export type ExpertConflictIn = Schemas['ExpertConflictIn']
export type ExpertPage = Schemas['Page_ExpertRead_']
export type ExpertQuery = QueryOf<'/api/v1/experts'>

export type ReviewableReport = Schemas['ReviewableReport']
export type ReviewPanelPage = Schemas['Page_ReviewableReport_']
export type ReviewPanelQuery = QueryOf<'/api/v1/review-panels'>
export type Assignment = Schemas['AssignmentRead']
export type AssignmentCreate = Schemas['AssignmentCreate']
export type DrawCreate = Schemas['DrawCreate']
export type DrawResult = Schemas['DrawResult']
export type Panel = Schemas['PanelRead']
export type Opinion = Schemas['OpinionRead']
export type Disagreement = Schemas['Disagreement']
export type Decision = Schemas['DecisionRead']
export type DecisionIn = Schemas['DecisionIn']
export type CriterionAnswer = Schemas['CriterionAnswer']
export type HazardAnswer = Schemas['HazardAnswer']
export type OtherBreach = Schemas['OtherBreach']

// --- expert pool -----------------------------------------------------------------------------------------------
export function listExperts(query: ExpertQuery): Promise<ExpertPage> {
  return unwrap(api.GET('/api/v1/experts', { params: { query } }))
}

/** Every expert at once, for pickers and for naming experts by id (the pool is a few dozen people). */
export async function allExperts(): Promise<Expert[]> {
  return (await listExperts({ page: 1, page_size: 200, sort: 'full_name' })).items
}

export function getExpert(id: number): Promise<ExpertDetail> {
  return unwrap(api.GET('/api/v1/experts/{expert_id}', { params: { path: { expert_id: id } } }))
}

export function updateExpert(id: number, body: ExpertUpdate): Promise<ExpertDetail> {
  return unwrap(api.PATCH('/api/v1/experts/{expert_id}', { params: { path: { expert_id: id } }, body }))
}

export function declareConflict(id: number, body: ExpertConflictIn): Promise<ExpertDetail> {
  return unwrap(api.POST('/api/v1/experts/{expert_id}/conflicts', { params: { path: { expert_id: id } }, body })) as Promise<ExpertDetail>
}

export function removeConflict(id: number, conflictId: number): Promise<ExpertDetail> {
  return unwrap(
    api.DELETE('/api/v1/experts/{expert_id}/conflicts/{conflict_id}', { params: { path: { expert_id: id, conflict_id: conflictId } } }),
  )
}

// --- reports under review --------------------------------------------------------------------------------------
export function listReviewPanels(query: ReviewPanelQuery): Promise<ReviewPanelPage> {
  return unwrap(api.GET('/api/v1/review-panels', { params: { query } }))
}

export function getPanel(itemId: number): Promise<Panel> {
  return unwrap(api.GET('/api/v1/review-panels/{retrieval_item_id}', { params: { path: { retrieval_item_id: itemId } } }))
}

/** Refused with 422 on `note` when the experts disagree and no reason is given. */
export function decidePanel(itemId: number, body: DecisionIn): Promise<Panel> {
  return unwrap(api.PUT('/api/v1/review-panels/{retrieval_item_id}/decision', { params: { path: { retrieval_item_id: itemId } }, body }))
}

// --- assignments and draws -------------------------------------------------------------------------------------
/** Every report to every expert named; a conflicted expert refuses the whole call with 422 (nothing is assigned). */
export function assignReviews(body: AssignmentCreate): Promise<Assignment[]> {
  return unwrap(api.POST('/api/v1/review-assignments', { body })) as Promise<Assignment[]>
}

/** 409 once the expert has submitted an opinion. */
export async function removeAssignment(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/review-assignments/{assignment_id}', { params: { path: { assignment_id: id } } }))
}

export function createDraw(body: DrawCreate): Promise<DrawResult> {
  return unwrap(api.POST('/api/v1/review-draws', { body })) as Promise<DrawResult>
}

/** The recorded draw, replayed from its seed by the server (`reproducible`). */
export function getDraw(id: number): Promise<DrawResult> {
  return unwrap(api.GET('/api/v1/review-draws/{draw_id}', { params: { path: { draw_id: id } } }))
}

// --- checklists and documents ----------------------------------------------------------------------------------
export const CHECKLIST_CATEGORIES = ['review_inaccurate', 'review_false', 'major_hazard', 'process_control_breach'] as const
export type ChecklistCategory = (typeof CHECKLIST_CATEGORIES)[number]

export interface ChecklistEntry {
  code: string
  label: string
  category: ChecklistCategory
}

/** The review checklists' items, in the backend's order (SS01–SS08, XJ01–XJ06, MH01–MH20, PC01–PC08). */
export async function loadChecklists(): Promise<ChecklistEntry[]> {
  const pages = await Promise.all(
    CHECKLIST_CATEGORIES.map((category) => unwrap(api.GET('/api/v1/reference-codes', { params: { query: { category } } }))),
  )
  return pages.flatMap((page, index) => page.items.map((item) => ({ code: item.code, label: item.label, category: CHECKLIST_CATEGORIES[index] })))
}

/** The signed 审查意见书 of one opinion, saved under the server's file name. */
export function downloadOpinionPdf(opinion: Pick<Opinion, 'id' | 'expert_name' | 'version'>): Promise<string> {
  return downloadFrom(
    api.GET('/api/v1/review-opinions/{opinion_id}/pdf', { params: { path: { opinion_id: opinion.id } }, parseAs: 'blob' }),
    `审查意见书-${opinion.expert_name}-第${opinion.version}版.pdf`,
  )
}
