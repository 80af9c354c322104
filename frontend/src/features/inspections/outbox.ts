import type { OutboxStatus } from '@/api/types'

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary'

export const OUTBOX_STATES: Record<OutboxStatus, { label: string; tagType: TagType }> = {
  dead: { label: '报送失败', tagType: 'danger' },
  pending: { label: '报送中', tagType: 'warning' },
  delivered: { label: '已报送', tagType: 'success' },
}

const TOPICS: Record<string, string> = { 'inspection.completed': '检查结果' }

export const outboxStatusLabel = (status: string): string => OUTBOX_STATES[status as OutboxStatus]?.label ?? status
export const outboxStatusTag = (status: string): TagType => OUTBOX_STATES[status as OutboxStatus]?.tagType ?? 'info'
export const topicLabel = (topic: string): string => TOPICS[topic] ?? topic
