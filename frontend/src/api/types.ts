/** Names for the generated OpenAPI types, derived from paths so they do not depend on schema names. */
import type { paths } from './schema'

type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : never
type Responses<Op> = Op extends { responses: infer R } ? R : never
type SuccessBody<Op> = 200 extends keyof Responses<Op>
  ? JsonContent<Responses<Op>[200]>
  : 201 extends keyof Responses<Op>
    ? JsonContent<Responses<Op>[201]>
    : never
type JsonBody<Op> = Op extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never

export type TokenResponse = SuccessBody<paths['/api/v1/auth/refresh']['post']>
export type Me = SuccessBody<paths['/api/v1/auth/me']['get']>
export type Organization = Me['organization']
export type PasswordChange = JsonBody<paths['/api/v1/auth/password']['post']>

export type UserPage = SuccessBody<paths['/api/v1/users']['get']>
export type User = UserPage['items'][number]
export type UserQuery = QueryOf<paths['/api/v1/users']['get']>
/** The four user roles; the backend declares them as the enum of the users list's `role` filter. */
export type Role = NonNullable<UserQuery['role']>
export type UserCreate = JsonBody<paths['/api/v1/users']['post']>
export type UserUpdate = JsonBody<paths['/api/v1/users/{user_id}']['patch']>
export type UserId = User['id']

export type ApiTokenPage = SuccessBody<paths['/api/v1/api-tokens']['get']>
export type ApiToken = ApiTokenPage['items'][number]
export type ApiTokenCreated = SuccessBody<paths['/api/v1/api-tokens']['post']>
export type ApiTokenQuery = QueryOf<paths['/api/v1/api-tokens']['get']>

export type AuditEventPage = SuccessBody<paths['/api/v1/audit-events']['get']>
export type AuditEvent = AuditEventPage['items'][number]
export type AuditEventQuery = QueryOf<paths['/api/v1/audit-events']['get']>

// --- Registry (issue 3): campaigns, agencies, evaluators, enterprises, projects, liaisons, county submissions ---

export type ReferenceCodePage = SuccessBody<paths['/api/v1/reference-codes']['get']>
export type ReferenceCode = ReferenceCodePage['items'][number]

export type OrganizationPage = SuccessBody<paths['/api/v1/organizations']['get']>
export type OrganizationRow = OrganizationPage['items'][number]
export type OrganizationQuery = QueryOf<paths['/api/v1/organizations']['get']>

export type CampaignPage = SuccessBody<paths['/api/v1/campaigns']['get']>
export type Campaign = SuccessBody<paths['/api/v1/campaigns/current']['get']>
export type CampaignPhase = Campaign['phases'][number]
export type CampaignDeadline = Campaign['deadlines'][number]
export type CampaignCreate = JsonBody<paths['/api/v1/campaigns']['post']>
export type CampaignUpdate = JsonBody<paths['/api/v1/campaigns/{campaign_id}']['patch']>
export type PhaseIn = NonNullable<CampaignCreate['phases']>[number]
export type DeadlineIn = NonNullable<CampaignCreate['deadlines']>[number]
export type PhaseCode = PhaseIn['code']
export type DeadlineCode = DeadlineIn['code']

export type AgencyPage = SuccessBody<paths['/api/v1/agencies']['get']>
export type Agency = AgencyPage['items'][number]
export type AgencyQuery = QueryOf<paths['/api/v1/agencies']['get']>
export type AgencyDetail = SuccessBody<paths['/api/v1/agencies/{agency_id}']['get']>
export type AgencyChange = AgencyDetail['changes'][number]
export type AgencyCreate = JsonBody<paths['/api/v1/agencies']['post']>
export type AgencyUpdate = JsonBody<paths['/api/v1/agencies/{agency_id}']['patch']>
export type AgencyChangeUpdate = JsonBody<paths['/api/v1/agencies/{agency_id}/changes/{change_id}']['patch']>
export type QualificationStatus = NonNullable<AgencyQuery['qualification_status']>

export type EvaluatorPage = SuccessBody<paths['/api/v1/evaluators']['get']>
export type Evaluator = EvaluatorPage['items'][number]
export type EvaluatorQuery = QueryOf<paths['/api/v1/evaluators']['get']>
export type EvaluatorDetail = SuccessBody<paths['/api/v1/evaluators/{evaluator_id}']['get']>
export type Verification = EvaluatorDetail['verifications'][number]
export type EvaluatorCreate = JsonBody<paths['/api/v1/evaluators']['post']>
export type EvaluatorUpdate = JsonBody<paths['/api/v1/evaluators/{evaluator_id}']['patch']>
export type VerificationCreate = JsonBody<paths['/api/v1/evaluators/{evaluator_id}/verifications']['post']>
export type VerificationResult = VerificationCreate['result']
export type ContractKind = NonNullable<EvaluatorCreate['contract_kind']>

export type EnterprisePage = SuccessBody<paths['/api/v1/enterprises']['get']>
export type Enterprise = EnterprisePage['items'][number]
export type EnterpriseQuery = QueryOf<paths['/api/v1/enterprises']['get']>
export type EnterpriseCreate = JsonBody<paths['/api/v1/enterprises']['post']>
export type EnterpriseUpdate = JsonBody<paths['/api/v1/enterprises/{enterprise_id}']['patch']>

export type ProjectPage = SuccessBody<paths['/api/v1/projects']['get']>
export type Project = ProjectPage['items'][number]
export type ProjectQuery = QueryOf<paths['/api/v1/projects']['get']>
export type ProjectDetail = SuccessBody<paths['/api/v1/projects/{project_id}']['get']>
export type ProjectMember = ProjectDetail['members'][number]
export type ProjectSiteVisit = ProjectDetail['site_visits'][number]
export type ProjectCreate = JsonBody<paths['/api/v1/projects']['post']>
export type ProjectUpdate = JsonBody<paths['/api/v1/projects/{project_id}']['patch']>
export type MemberIn = NonNullable<ProjectCreate['members']>[number]
export type MemberRole = MemberIn['role']
export type SiteVisitIn = NonNullable<ProjectCreate['site_visits']>[number]
export type EvaluationKind = ProjectCreate['kind']
export type ProjectImportResult = SuccessBody<paths['/api/v1/projects/import']['post']>
export type ImportIssue = ProjectImportResult['errors'][number]
export type ImportRow = ProjectImportResult['rows'][number]

export type LiaisonPage = SuccessBody<paths['/api/v1/liaisons']['get']>
export type Liaison = LiaisonPage['items'][number]
export type LiaisonQuery = QueryOf<paths['/api/v1/liaisons']['get']>
export type LiaisonCreate = JsonBody<paths['/api/v1/liaisons']['post']>
export type LiaisonUpdate = JsonBody<paths['/api/v1/liaisons/{liaison_id}']['patch']>
export type LiaisonImportResult = SuccessBody<paths['/api/v1/liaisons/import']['post']>

export type CountyProgressPage = SuccessBody<paths['/api/v1/county-submissions']['get']>
export type CountyProgress = CountyProgressPage['items'][number]
export type SubmissionStatus = CountyProgress['liaison_table']
export type SubmissionState = SubmissionStatus['status']
export type SubmissionKind = SubmissionStatus['kind']
export type SubmissionIn = JsonBody<paths['/api/v1/county-submissions/{kind}']['put']>
export type CountyDocument = SuccessBody<paths['/api/v1/county-submissions/{kind}']['put']>


type MultipartBody<Op> = Op extends { requestBody: { content: { 'multipart/form-data': infer B } } } ? B : never
export type ProjectImportBody = MultipartBody<paths['/api/v1/projects/import']['post']>
export type LiaisonImportBody = MultipartBody<paths['/api/v1/liaisons/import']['post']>

// --- Self-checks (附件2 / 附件3), findings (问题清单), notifications ---

export type SelfCheckPage = SuccessBody<paths['/api/v1/self-checks']['get']>
export type SelfCheck = SelfCheckPage['items'][number]
export type SelfCheckQuery = QueryOf<paths['/api/v1/self-checks']['get']>
export type SelfCheckKind = NonNullable<SelfCheckQuery['kind']>
export type SelfCheckCreate = JsonBody<paths['/api/v1/self-checks']['post']>
export type SelfCheckDetail = SuccessBody<paths['/api/v1/self-checks/{self_check_id}']['get']>
export type SelfCheckItem = SelfCheckDetail['items'][number]
export type SelfCheckRow = SelfCheckDetail['rows'][number]
export type SelfCheckDraft = JsonBody<paths['/api/v1/self-checks/{self_check_id}']['put']>
export type SelfCheckItemIn = NonNullable<SelfCheckDraft['items']>[number]
export type SelfCheckRowIn = NonNullable<SelfCheckDraft['rows']>[number]
export type SelfCheckProblemIn = NonNullable<SelfCheckRowIn['problems']>[number]
export type SelfCheckTransition = JsonBody<paths['/api/v1/self-checks/{self_check_id}/transitions']['post']>
export type SelfCheckAction = SelfCheckTransition['action']
export type SelfCheckProgressPage = SuccessBody<paths['/api/v1/self-checks/oversight']['get']>
export type SelfCheckProgress = SelfCheckProgressPage['items'][number]
export type ReminderIn = JsonBody<paths['/api/v1/self-checks/reminders']['post']>
export type ReminderResult = SuccessBody<paths['/api/v1/self-checks/reminders']['post']>

export type FindingPage = SuccessBody<paths['/api/v1/findings']['get']>
export type Finding = FindingPage['items'][number]
export type FindingQuery = QueryOf<paths['/api/v1/findings']['get']>
export type FindingCode = NonNullable<FindingQuery['code']>
export type FindingDetail = SuccessBody<paths['/api/v1/findings/{finding_id}']['get']>
export type FindingEvent = FindingDetail['events'][number]
export type FindingEvidence = FindingDetail['evidence'][number]
export type EvidenceIn = JsonBody<paths['/api/v1/findings/{finding_id}/evidence']['post']>
export type FindingCreate = JsonBody<paths['/api/v1/findings']['post']>
export type FindingTransition = JsonBody<paths['/api/v1/findings/{finding_id}/transitions']['post']>
export type FindingAction = FindingTransition['action']

export type NotificationPage = SuccessBody<paths['/api/v1/notifications']['get']>
export type AppNotification = NotificationPage['items'][number]

// --- Files, resumable uploads (tus) and report retrieval (附件4) ---

export type FileRead = SuccessBody<paths['/api/v1/files/{file_id}']['get']>
export type FileKind = FileRead['kind']
export type ZipEntry = NonNullable<FileRead['zip_listing']>[number]
export type FileLink = SuccessBody<paths['/api/v1/files/{file_id}/link']['post']>
export type UploadStatus = SuccessBody<paths['/api/v1/uploads/{upload_id}']['get']>

export type RetrievalRequestPage = SuccessBody<paths['/api/v1/retrieval-requests']['get']>
export type RetrievalRequest = RetrievalRequestPage['items'][number]
export type RetrievalQuery = QueryOf<paths['/api/v1/retrieval-requests']['get']>
export type RetrievalStatus = RetrievalRequest['status']
export type RetrievalRequestCreate = JsonBody<paths['/api/v1/retrieval-requests']['post']>
export type RetrievalDetail = SuccessBody<paths['/api/v1/retrieval-requests/{request_id}']['get']>
export type RetrievalItem = RetrievalDetail['items'][number]
export type RetrievalItemStatus = RetrievalItem['status']
export type AttachedFile = RetrievalItem['files'][number]
export type RetrievalSlot = AttachedFile['slot']
export type AttachFileIn = JsonBody<paths['/api/v1/retrieval-requests/{request_id}/items/{item_id}/files']['post']>
export type ItemReviewIn = JsonBody<paths['/api/v1/retrieval-requests/{request_id}/items/{item_id}/review']['post']>
export type ReviewDecision = ItemReviewIn['decision']

// --- On-site inspections, county report checks, penalties and the enforcement-system link (issue 7) ---

export type CreditLevel = NonNullable<AgencyDetail['credit_level']>

export type InspectorPage = SuccessBody<paths['/api/v1/inspectors']['get']>
export type Inspector = InspectorPage['items'][number]
export type InspectorQuery = QueryOf<paths['/api/v1/inspectors']['get']>
export type InspectorCreate = JsonBody<paths['/api/v1/inspectors']['post']>
export type InspectorUpdate = JsonBody<paths['/api/v1/inspectors/{inspector_id}']['patch']>

export type InspectionDrawCreate = JsonBody<paths['/api/v1/inspection-draws']['post']>
export type InspectionDraw = SuccessBody<paths['/api/v1/inspection-draws/{draw_id}']['get']>
export type DrawCandidate = InspectionDraw['candidates'][number]

export type InspectionPage = SuccessBody<paths['/api/v1/inspections']['get']>
export type Inspection = InspectionPage['items'][number]
export type InspectionQuery = QueryOf<paths['/api/v1/inspections']['get']>
export type InspectionKind = Inspection['kind']
export type InspectionStatus = Inspection['status']
export type DeliveryStatus = NonNullable<Inspection['delivery']>
export type InspectionCreate = JsonBody<paths['/api/v1/inspections']['post']>
export type InspectionDetail = SuccessBody<paths['/api/v1/inspections/{inspection_id}']['get']>
export type InspectionUpdate = JsonBody<paths['/api/v1/inspections/{inspection_id}']['put']>
export type ChecklistAnswer = InspectionDetail['checklist'][number]
export type ChecklistCode = ChecklistAnswer['code']
export type CheckResult = NonNullable<ChecklistAnswer['result']>
export type SpotCheck = InspectionDetail['spot_checks'][number]
export type ProblemIn = NonNullable<InspectionUpdate['problems']>[number]
export type Severity = NonNullable<ProblemIn['severity']>
export type InspectionFile = InspectionDetail['files'][number]
export type InspectionFileIn = JsonBody<paths['/api/v1/inspections/{inspection_id}/files']['post']>
export type EnforcementDocument = InspectionDetail['documents'][number]
export type DocumentKind = EnforcementDocument['kind']
export type DocumentIn = JsonBody<paths['/api/v1/inspections/{inspection_id}/documents']['post']>
export type CountyDuty = SuccessBody<paths['/api/v1/inspections/duty']['get']>[number]
export type DutyOffice = CountyDuty['offices'][number]

export type CountyCheckPage = SuccessBody<paths['/api/v1/county-checks']['get']>
export type CountyCheck = CountyCheckPage['items'][number]
export type CountyCheckQuery = QueryOf<paths['/api/v1/county-checks']['get']>
export type CountyCheckCreate = JsonBody<paths['/api/v1/county-checks']['post']>
export type CountyCheckContent = JsonBody<paths['/api/v1/county-checks/{check_id}']['put']>

export type PenaltyPage = SuccessBody<paths['/api/v1/penalties']['get']>
export type Penalty = PenaltyPage['items'][number]
export type PenaltyQuery = QueryOf<paths['/api/v1/penalties']['get']>
export type PenaltyIn = JsonBody<paths['/api/v1/penalties']['post']>
export type PenaltyMeasure = PenaltyIn['measures'][number]
export type PenaltyTargetKind = PenaltyIn['target_kind']

export type OutboxPage = SuccessBody<paths['/api/v1/enforcement/outbox']['get']>
export type OutboxMessage = OutboxPage['items'][number]
export type OutboxQuery = QueryOf<paths['/api/v1/enforcement/outbox']['get']>
export type OutboxStatus = OutboxMessage['status']
