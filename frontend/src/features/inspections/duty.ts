import type { CountyDuty } from '@/api/types'

export interface DutySummary {
  counties: number
  doneCounties: number
  offices: number
  inspected: number
}

/** The city's overview: counties done, and offices inspected out of all offices. */
export function dutySummary(duty: readonly CountyDuty[]): DutySummary {
  return {
    counties: duty.length,
    doneCounties: duty.filter((c) => c.done).length,
    offices: duty.reduce((sum, c) => sum + c.office_count, 0),
    inspected: duty.reduce((sum, c) => sum + c.inspected_count, 0),
  }
}
