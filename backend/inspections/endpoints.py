from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from backend.authz.policies import Principal, authorize
from backend.core.config import Settings
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, page_params, sorted_page
from backend.inspections import callbacks, county_checks, service
from backend.inspections.schemas import (
    CountyCheckContent,
    CountyCheckCreate,
    CountyCheckRead,
    CountyDuty,
    DocumentIn,
    InspectionCreate,
    InspectionDetail,
    InspectionDrawCreate,
    InspectionDrawRead,
    InspectionFileIn,
    InspectionKind,
    InspectionRead,
    InspectionStatus,
    InspectionUpdate,
    InspectorIn,
    InspectorRead,
    InspectorUpdate,
)
from backend.models import CountyCheck, Inspection, Inspector, OutboxMessage
from backend.storage import Storage, get_storage

RESPONSES: dict[int | str, dict[str, Any]] = {s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)}
Pagination = Annotated[PageParams, Depends(page_params)]
Search = Annotated[str | None, Query(max_length=100)]
InspectorManager = Annotated[Principal, Depends(authorize("inspectors:manage"))]
Reader = Annotated[Principal, Depends(authorize("inspections:read"))]
Manager = Annotated[Principal, Depends(authorize("inspections:manage"))]
CheckReader = Annotated[Principal, Depends(authorize("county_checks:read"))]
CheckManager = Annotated[Principal, Depends(authorize("county_checks:manage"))]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(_settings)]

inspectors_router = APIRouter(prefix="/inspectors", tags=["inspections"], responses=RESPONSES)


@inspectors_router.get("", operation_id="list_inspectors", summary="执法人员库（县区只看到本单位人员）")
async def list_inspectors(
    session: DbSession,
    principal: InspectorManager,
    params: Pagination,
    in_pool: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="姓名或执法证号")] = None,
) -> Page[InspectorRead]:
    statement = service.inspectors_statement(principal.scope, q=q, in_pool=in_pool)
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.INSPECTOR_SORTABLE,
        default="name",
        tiebreaker=Inspector.id,
        read=service.inspector_read,
    )


@inspectors_router.post(
    "", operation_id="create_inspector", status_code=status.HTTP_201_CREATED, summary="登记执法人员"
)
async def create_inspector(body: InspectorIn, session: DbSession, principal: InspectorManager) -> InspectorRead:
    return await service.create_inspector(session, principal, body)


@inspectors_router.patch("/{inspector_id}", operation_id="update_inspector", summary="修改执法人员信息")
async def update_inspector(
    inspector_id: int, body: InspectorUpdate, session: DbSession, principal: InspectorManager
) -> InspectorRead:
    return await service.update_inspector(session, principal, inspector_id, body)


draws_router = APIRouter(prefix="/inspection-draws", tags=["inspections"], responses=RESPONSES)
DrawManager = Annotated[Principal, Depends(authorize("inspection_draws:manage"))]


@draws_router.post(
    "",
    operation_id="draw_inspections",
    status_code=status.HTTP_201_CREATED,
    summary="双随机：按风险加权随机抽取检查对象和执法人员（种子和输入留档可复核）",
)
async def draw_inspections(
    body: InspectionDrawCreate, session: DbSession, principal: DrawManager, settings: AppSettings
) -> InspectionDrawRead:
    return await service.create_draw(session, principal, settings, body)


@draws_router.get("/{draw_id}", operation_id="get_inspection_draw", summary="抽取记录，并按记录的种子重新抽取核对")
async def get_inspection_draw(draw_id: int, session: DbSession, principal: DrawManager) -> InspectionDrawRead:
    return await service.get_draw(session, principal.scope, draw_id)


inspections_router = APIRouter(prefix="/inspections", tags=["inspections"], responses=RESPONSES)


@inspections_router.get("", operation_id="list_inspections", summary="现场检查")
async def list_inspections(
    session: DbSession,
    principal: Reader,
    params: Pagination,
    settings: AppSettings,
    campaign_id: int | None = None,
    agency_id: int | None = None,
    county_id: int | None = None,
    kind: InspectionKind | None = None,
    status_: Annotated[InspectionStatus | None, Query(alias="status")] = None,
    q: Annotated[str | None, Query(max_length=100, description="机构名称")] = None,
) -> Page[InspectionRead]:
    statement = service.list_statement(
        principal.scope,
        campaign_id=campaign_id,
        agency_id=agency_id,
        county_id=county_id,
        kind=kind,
        status=status_,
        q=q,
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.SORTABLE,
        default="-inspected_on",
        tiebreaker=Inspection.id,
        read=lambda r: service.to_read(r, settings),
    )


@inspections_router.get(
    "/duty", operation_id="get_inspection_duty", summary="各县区对辖区内评价机构（含分支机构）至少检查一次的完成情况"
)
async def get_inspection_duty(campaign_id: int, session: DbSession, principal: Manager) -> list[CountyDuty]:
    return await service.duty(session, principal.scope, campaign_id)


@inspections_router.post(
    "", operation_id="create_inspection", status_code=status.HTTP_201_CREATED, summary="新建现场检查记录（草稿）"
)
async def create_inspection(
    body: InspectionCreate, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.create(session, principal, settings, body)


@inspections_router.get("/{inspection_id}", operation_id="get_inspection", summary="检查记录详情")
async def get_inspection(
    inspection_id: int, session: DbSession, principal: Reader, settings: AppSettings
) -> InspectionDetail:
    return await service.detail(session, principal.scope, settings, inspection_id)


@inspections_router.put("/{inspection_id}", operation_id="save_inspection", summary="保存检查记录（草稿）")
async def save_inspection(
    inspection_id: int, body: InspectionUpdate, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.update(session, principal, settings, inspection_id, body)


@inspections_router.delete(
    "/{inspection_id}",
    operation_id="delete_inspection",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除检查记录草稿",
)
async def delete_inspection(inspection_id: int, session: DbSession, principal: Manager) -> Response:
    await service.delete(session, principal, inspection_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@inspections_router.post(
    "/{inspection_id}/complete",
    operation_id="complete_inspection",
    summary="完成检查：问题形成问题清单；已配置执法系统接口时报送执法系统",
)
async def complete_inspection(
    inspection_id: int, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.complete(session, principal, settings, inspection_id)


@inspections_router.post(
    "/{inspection_id}/files", operation_id="add_inspection_file", summary="添加现场照片或资料（本单位上传的文件）"
)
async def add_inspection_file(
    inspection_id: int, body: InspectionFileIn, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.add_file(session, principal, settings, inspection_id, body)


@inspections_router.delete(
    "/{inspection_id}/files/{link_id}", operation_id="remove_inspection_file", summary="移除现场照片或资料"
)
async def remove_inspection_file(
    inspection_id: int, link_id: int, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.remove_file(session, principal, settings, inspection_id, link_id)


@inspections_router.post(
    "/{inspection_id}/documents",
    operation_id="add_enforcement_document",
    summary="登记执法文书（种类、编号、日期、盖章扫描件）",
)
async def add_enforcement_document(
    inspection_id: int, body: DocumentIn, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.add_document(session, principal, settings, inspection_id, body)


@inspections_router.delete(
    "/{inspection_id}/documents/{document_id}",
    operation_id="remove_enforcement_document",
    summary="删除手工登记的执法文书",
)
async def remove_enforcement_document(
    inspection_id: int, document_id: int, session: DbSession, principal: Manager, settings: AppSettings
) -> InspectionDetail:
    return await service.remove_document(session, principal, settings, inspection_id, document_id)


checks_router = APIRouter(prefix="/county-checks", tags=["inspections"], responses=RESPONSES)


@checks_router.get("", operation_id="list_county_checks", summary="县区对企业评价报告的核查")
async def list_county_checks(
    session: DbSession,
    principal: CheckReader,
    params: Pagination,
    campaign_id: int | None = None,
    county_id: int | None = None,
    agency_id: int | None = None,
    status_: Annotated[InspectionStatus | None, Query(alias="status")] = None,
    q: Annotated[str | None, Query(max_length=100, description="项目、企业名称或报告编号")] = None,
) -> Page[CountyCheckRead]:
    statement = county_checks.list_statement(
        principal.scope, campaign_id=campaign_id, county_id=county_id, agency_id=agency_id, status=status_, q=q
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=county_checks.SORTABLE,
        default="-checked_on",
        tiebreaker=CountyCheck.id,
        read=lambda r: county_checks.to_read(r, []),
    )


@checks_router.post(
    "", operation_id="create_county_check", status_code=status.HTTP_201_CREATED, summary="新建报告核查（草稿）"
)
async def create_county_check(body: CountyCheckCreate, session: DbSession, principal: CheckManager) -> CountyCheckRead:
    return await county_checks.create(session, principal, body)


@checks_router.get("/{check_id}", operation_id="get_county_check", summary="报告核查详情")
async def get_county_check(check_id: int, session: DbSession, principal: CheckReader) -> CountyCheckRead:
    return await county_checks.detail(session, principal.scope, check_id)


@checks_router.put("/{check_id}", operation_id="save_county_check", summary="保存报告核查（草稿）")
async def save_county_check(
    check_id: int, body: CountyCheckContent, session: DbSession, principal: CheckManager
) -> CountyCheckRead:
    return await county_checks.update(session, principal, check_id, body)


@checks_router.delete(
    "/{check_id}",
    operation_id="delete_county_check",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除报告核查草稿",
)
async def delete_county_check(check_id: int, session: DbSession, principal: CheckManager) -> Response:
    await county_checks.delete(session, principal, check_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@checks_router.post("/{check_id}/complete", operation_id="complete_county_check", summary="完成核查：问题形成问题清单")
async def complete_county_check(check_id: int, session: DbSession, principal: CheckManager) -> CountyCheckRead:
    return await county_checks.complete(session, principal, check_id)


routers = [inspectors_router, draws_router, inspections_router, checks_router]


enforcement_router = APIRouter(prefix="/enforcement", tags=["enforcement"], responses=RESPONSES)
OutboxManager = Annotated[Principal, Depends(authorize("enforcement:manage"))]


@enforcement_router.post(
    "/callbacks",
    operation_id="receive_enforcement_callback",
    summary="执法系统回调：文书已出具、处罚已决定（接口令牌，按 Idempotency-Key 幂等；契约见 enforcement.yaml）",
)
async def receive_enforcement_callback(
    body: callbacks.Callback,
    session: DbSession,
    storage: Annotated[Storage, Depends(get_storage)],
    _: Annotated[Principal, Depends(authorize("enforcement:callback"))],
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=100)],
) -> callbacks.CallbackAccepted:
    return await callbacks.receive(session, storage, idempotency_key, body)


@enforcement_router.get("/outbox", operation_id="list_outbox", summary="报送执法系统的消息（含死信）")
async def list_outbox(
    session: DbSession,
    principal: OutboxManager,
    params: Pagination,
    status_: Annotated[Literal["pending", "delivered", "dead"] | None, Query(alias="status")] = None,
) -> Page[callbacks.OutboxRead]:
    statement = callbacks.outbox_statement(principal.scope, status_)
    return await sorted_page(
        session,
        statement,
        params,
        sortable={"created_at": OutboxMessage.created_at},
        default="-created_at",
        tiebreaker=OutboxMessage.id,
        read=callbacks.outbox_read,
    )


@enforcement_router.post(
    "/outbox/{message_id}/resend", operation_id="resend_outbox_message", summary="重新发送死信（同一幂等键）"
)
async def resend_outbox_message(message_id: int, session: DbSession, principal: OutboxManager) -> callbacks.OutboxRead:
    return await callbacks.resend(session, principal, message_id)


routers.append(enforcement_router)
