import type { SubmissionState } from '@/api/types'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export type DeadlineLevel = 'overdue' | 'this_week' | 'later'

export interface DeadlineClass {
  level: DeadlineLevel
  /** Short text for a tag: 已过期 3 天 / 今天到期 / 本周到期 · 剩 2 天 / 剩 20 天. */
  text: string
  tagType: TagType
}

/** How many days a week's warning spans: a deadline 0–7 days away is "本周到期". */
export const THIS_WEEK_DAYS = 7

/**
 * Classifies a campaign deadline by the backend's `days_left` (due date minus today, in Beijing days):
 * negative is overdue (red), 0–7 is due this week (highlighted), anything later is plain.
 */
export function classifyDeadline(daysLeft: number): DeadlineClass {
  if (daysLeft < 0) return { level: 'overdue', text: `已过期 ${-daysLeft} 天`, tagType: 'danger' }
  if (daysLeft === 0) return { level: 'this_week', text: '本周到期 · 今天截止', tagType: 'warning' }
  if (daysLeft <= THIS_WEEK_DAYS) return { level: 'this_week', text: `本周到期 · 剩 ${daysLeft} 天`, tagType: 'warning' }
  return { level: 'later', text: `剩 ${daysLeft} 天`, tagType: 'info' }
}

export const SUBMISSION_STATES: Record<SubmissionState, { label: string; tagType: TagType }> = {
  submitted: { label: '按时报送', tagType: 'success' },
  submitted_late: { label: '逾期报送', tagType: 'warning' },
  pending: { label: '未报送', tagType: 'info' },
  overdue: { label: '已逾期未报', tagType: 'danger' },
}

export function submissionLabel(state: SubmissionState | string): string {
  return SUBMISSION_STATES[state as SubmissionState]?.label ?? state
}

export function submissionTagType(state: SubmissionState | string): TagType {
  return SUBMISSION_STATES[state as SubmissionState]?.tagType ?? 'info'
}

export interface SubmissionCounts {
  submitted: number
  submitted_late: number
  pending: number
  overdue: number
}

/** How many counties are in each state, for the city's summary. */
export function countStates(states: readonly SubmissionState[]): SubmissionCounts {
  const counts: SubmissionCounts = { submitted: 0, submitted_late: 0, pending: 0, overdue: 0 }
  for (const state of states) if (state in counts) counts[state] += 1
  return counts
}
