from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from backend.authz.policies import Principal, authorize
from backend.campaigns import service
from backend.campaigns.schemas import CampaignCreate, CampaignRead, CampaignUpdate
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page

router = APIRouter(
    prefix="/campaigns",
    tags=["campaigns"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("campaigns:read"))]
Manager = Annotated[Principal, Depends(authorize("campaigns:manage"))]


@router.get("", operation_id="list_campaigns", summary="专项整治列表")
async def list_campaigns(session: DbSession, _: Reader) -> Page[CampaignRead]:
    campaigns = [service.to_read(c) for c in await service.list_all(session)]
    return Page(items=campaigns, total=len(campaigns), page=1, page_size=max(len(campaigns), 1))


@router.get("/current", operation_id="get_current_campaign", summary="当前专项整治（含当前阶段和截止日期）")
async def get_current_campaign(session: DbSession, _: Reader) -> CampaignRead:
    return service.to_read(await service.current(session))


@router.post("", operation_id="create_campaign", status_code=status.HTTP_201_CREATED, summary="创建专项整治")
async def create_campaign(body: CampaignCreate, session: DbSession, _: Manager) -> CampaignRead:
    return service.to_read(await service.create(session, body))


@router.get("/{campaign_id}", operation_id="get_campaign", summary="专项整治详情")
async def get_campaign(campaign_id: int, session: DbSession, _: Reader) -> CampaignRead:
    return service.to_read(await service.get(session, campaign_id))


@router.patch("/{campaign_id}", operation_id="update_campaign", summary="修改专项整治（阶段、截止日期）")
async def update_campaign(campaign_id: int, body: CampaignUpdate, session: DbSession, _: Manager) -> CampaignRead:
    return service.to_read(await service.update(session, campaign_id, body))
