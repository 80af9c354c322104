import type { AssignmentState } from './expert-api'
import { ASSIGNMENT_STATE_LABELS } from './labels'

/** An expert's review tasks by state, in the order the work goes. */
export const ASSIGNMENT_STATES: readonly AssignmentState[] = ['not_started', 'draft', 'submitted']

export type TaskCounts = Record<AssignmentState, number>

export interface TaskLine {
  state: AssignmentState
  label: string
  count: number
  /** 审查任务 filtered to this state. */
  to: string
}

export function taskLines(counts: TaskCounts): TaskLine[] {
  return ASSIGNMENT_STATES.map((state) => ({ state, label: ASSIGNMENT_STATE_LABELS[state], count: counts[state], to: `/my-reviews?state=${state}` }))
}

export const totalTasks = (counts: TaskCounts): number => ASSIGNMENT_STATES.reduce((sum, state) => sum + counts[state], 0)

/** The state filter a link asked for (`/my-reviews?state=draft`); '' for none or one not known. */
export function stateFromQuery(value: unknown): AssignmentState | '' {
  return ASSIGNMENT_STATES.find((state) => state === value) ?? ''
}
