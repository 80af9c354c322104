import type { SelfCheckKind } from '@/api/types'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

/** A self-check's states (and `not_started` in the oversight table), with their Chinese label and tag colour. */
export const SELF_CHECK_STATES: Record<string, { label: string; tagType: TagType }> = {
  not_started: { label: '未开始', tagType: 'info' },
  draft: { label: '草稿', tagType: 'warning' },
  submitted: { label: '已提交', tagType: 'primary' },
  returned: { label: '已退回', tagType: 'danger' },
  resubmitted: { label: '已重新提交', tagType: 'primary' },
  accepted: { label: '已验收', tagType: 'success' },
}

export function selfCheckLabel(status: string | null | undefined): string {
  if (!status) return SELF_CHECK_STATES.not_started.label
  return SELF_CHECK_STATES[status]?.label ?? status
}

export function selfCheckTagType(status: string | null | undefined): TagType {
  if (!status) return 'info'
  return SELF_CHECK_STATES[status]?.tagType ?? 'info'
}

/** The agency may still edit (and autosave) the form. */
export function isEditable(status: string | null | undefined): boolean {
  return status === 'draft' || status === 'returned'
}

/** Not yet handed in: what the "只看未提交/逾期" filter keeps. */
export function isPending(status: string | null | undefined): boolean {
  return !status || status === 'not_started' || status === 'draft' || status === 'returned'
}

export const KIND_TITLES: Record<SelfCheckKind, string> = {
  qualification: '附件2 资质保持情况自查表',
  projects: '附件3 法定安全评价项目自查表',
}

export const KIND_FILE_NAMES: Record<SelfCheckKind, string> = {
  qualification: '附件2_资质保持情况自查表.xlsx',
  projects: '附件3_法定安全评价项目自查表.xlsx',
}

export function kindTitle(kind: string): string {
  return KIND_TITLES[kind as SelfCheckKind] ?? kind
}

export const DECLARATION = '本机构对自查内容的真实性、完整性负责'
