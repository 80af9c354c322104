import type { CreditLevel, QualificationStatus, VerificationResult } from '@/api/types'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export const QUALIFICATION_STATUSES: Record<QualificationStatus | 'unknown', { label: string; tagType: TagType }> = {
  valid: { label: '资质有效', tagType: 'success' },
  expiring: { label: '90 天内到期', tagType: 'warning' },
  expired: { label: '资质已过期', tagType: 'danger' },
  unknown: { label: '未登记有效期', tagType: 'info' },
}

export function qualificationStatus(status: string): { label: string; tagType: TagType } {
  return QUALIFICATION_STATUSES[status as QualificationStatus] ?? { label: status, tagType: 'info' }
}

/** The registry facts whose change must be filed with the approval authority (finding Q4). */
export const AGENCY_CHANGE_FIELDS = {
  name: '机构名称',
  registered_address: '注册地址',
  legal_representative: '法定代表人',
  technical_director: '技术负责人',
} as const

export type TrackedAgencyField = keyof typeof AGENCY_CHANGE_FIELDS

export function agencyChangeFieldLabel(field: string): string {
  return AGENCY_CHANGE_FIELDS[field as TrackedAgencyField] ?? field
}

export const VERIFICATION_RESULTS: Record<VerificationResult, { label: string; tagType: TagType }> = {
  consistent: { label: '一致', tagType: 'success' },
  inconsistent: { label: '不一致', tagType: 'danger' },
  not_found: { label: '未查到', tagType: 'warning' },
}

export function verificationResult(result: string): { label: string; tagType: TagType } {
  return VERIFICATION_RESULTS[result as VerificationResult] ?? { label: result, tagType: 'info' }
}

/** Credit levels the city assigns (蓝 best … 红 worst); a risk weight of the random draw. */
export const CREDIT_LEVELS: Record<CreditLevel, { label: string; color: string }> = {
  blue: { label: '蓝', color: '#2f6fd6' },
  yellow: { label: '黄', color: '#d4a106' },
  orange: { label: '橙', color: '#e0701a' },
  red: { label: '红', color: '#d03a3a' },
}

export function creditLevelLabel(level: string | null | undefined): string {
  return level ? (CREDIT_LEVELS[level as CreditLevel]?.label ?? level) : '未评定'
}
