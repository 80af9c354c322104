import type { components } from '@/api/schema'

export type Conclusion = components['schemas']['OpinionRead']['conclusion'] & string
export type HazardStatus = NonNullable<components['schemas']['HazardAnswer']['status']>

/** The conclusions of a review opinion, as printed on the 审查意见书 (backend/reviews/checklist.py). */
export const CONCLUSION_LABELS: Record<Conclusion, string> = {
  no_problem: '未发现问题',
  rectify: '存在问题需整改',
  inaccurate: '失实',
  false: '虚假',
}

export const CONCLUSION_TAGS: Record<Conclusion, 'success' | 'warning' | 'danger' | 'info'> = {
  no_problem: 'success',
  rectify: 'warning',
  inaccurate: 'danger',
  false: 'danger',
}

export const HAZARD_STATUS_LABELS: Record<HazardStatus, string> = {
  not_present: '不涉及',
  evaluated: '已正确评价',
  evaluated_incorrectly: '评价不正确',
  not_evaluated: '未评价',
}

export const ASSIGNMENT_STATE_LABELS = { not_started: '未开始', draft: '草稿', submitted: '已提交' } as const

export const ASSIGNMENT_STATE_TAGS: Record<components['schemas']['AssignmentRead']['state'], 'info' | 'warning' | 'success'> = { not_started: 'info', draft: 'warning', submitted: 'success' }
