import type { DeadlineCode, PhaseCode } from '@/api/types'

/** The campaign's four phases and five deadlines, in the notice's order (names as the backend defaults them). */
export const PHASES: readonly { code: PhaseCode; name: string }[] = [
  { code: 'mobilisation', name: '动员部署' },
  { code: 'self_check', name: '自查自改' },
  { code: 'inspection', name: '集中检查' },
  { code: 'summary', name: '总结验收' },
]

export const DEADLINES: readonly { code: DeadlineCode; name: string }[] = [
  { code: 'liaison_table', name: '报送联络员表（附件5）' },
  { code: 'county_work_plan', name: '报送县区专项整治工作计划' },
  { code: 'agency_self_check', name: '报送自查表（附件2、附件3）' },
  { code: 'retrieved_reports', name: '报送被调阅报告及过程控制档案' },
  { code: 'county_summary', name: '报送工作总结及汇总表（附件6）' },
]

/** `2026-09-05` → `09-05` (the year is the campaign's). */
export function shortDate(value: string): string {
  return value.length >= 10 ? value.slice(5, 10) : value
}
