import { api, unwrap } from '@/api/client'
import type { AuditEventPage, AuditEventQuery } from '@/api/types'

export function listAuditEvents(query: AuditEventQuery): Promise<AuditEventPage> {
  return unwrap(api.GET('/api/v1/audit-events', { params: { query } }))
}
