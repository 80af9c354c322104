import { api, unwrap } from '@/api/client'
import type { NotificationPage } from '@/api/types'

export function listNotifications(unread?: boolean): Promise<NotificationPage> {
  return unwrap(api.GET('/api/v1/notifications', { params: { query: { page_size: 20, sort: '-created_at', ...(unread ? { unread: true } : {}) } } }))
}

export function markNotificationRead(id: number): Promise<unknown> {
  return unwrap(api.POST('/api/v1/notifications/{notification_id}/read', { params: { path: { notification_id: id } } }))
}
