import { api, unwrap } from '@/api/client'
import { downloadFrom } from '@/api/download'
import type {
  ProjectCreate,
  ProjectDetail,
  ProjectImportBody,
  ProjectImportResult,
  ProjectPage,
  ProjectQuery,
  ProjectUpdate,
} from '@/api/types'

export function listProjects(query: ProjectQuery): Promise<ProjectPage> {
  return unwrap(api.GET('/api/v1/projects', { params: { query } }))
}

export function exportProjects(query: Omit<ProjectQuery, 'page' | 'page_size'>): Promise<string> {
  return downloadFrom(api.GET('/api/v1/projects/export', { params: { query }, parseAs: 'blob' }), '附件1_安全评价项目及评价人员信息表.xlsx')
}

/** Uploads a 附件1 workbook: `commit=false` previews, `commit=true` saves (422 when any row is wrong). */
export function importProjects(file: File, commit: boolean): Promise<ProjectImportResult> {
  const form = new FormData()
  form.append('file', file)
  // openapi-typescript types the binary part as a string; the client sends FormData as multipart untouched.
  return unwrap(api.POST('/api/v1/projects/import', { params: { query: { commit } }, body: form as unknown as ProjectImportBody }))
}

export function getProject(id: number): Promise<ProjectDetail> {
  return unwrap(api.GET('/api/v1/projects/{project_id}', { params: { path: { project_id: id } } }))
}

export function createProject(body: ProjectCreate): Promise<ProjectDetail> {
  return unwrap(api.POST('/api/v1/projects', { body }))
}

export function updateProject(id: number, body: ProjectUpdate): Promise<ProjectDetail> {
  return unwrap(api.PATCH('/api/v1/projects/{project_id}', { params: { path: { project_id: id } }, body }))
}

export function deleteProject(id: number): Promise<unknown> {
  return unwrap(api.DELETE('/api/v1/projects/{project_id}', { params: { path: { project_id: id } } }))
}
