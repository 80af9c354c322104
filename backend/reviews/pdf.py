"""The review opinion as a document (审查意见书): HTML rendered to PDF by WeasyPrint, in the Noto CJK fonts the
project's setup installs (fonts-noto-cjk), so that every Chinese character has a real glyph."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from backend.authz.scope import AccessScope
from backend.models import Campaign, Enterprise, Project, ReferenceCode, ReviewOpinion
from backend.reviews import checklist
from backend.reviews.service import opinion_detail

BEIJING = ZoneInfo("Asia/Shanghai")
FONT_FAMILY = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif'

TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
@page { size: A4; margin: 22mm 18mm 20mm 18mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"; font-size: 9pt; color: #555; } }
body { font-family: {{ font_family|safe }}; font-size: 10.5pt; line-height: 1.6; color: #111; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 4pt; margin: 0 0 4mm; }
.number { text-align: center; margin-bottom: 6mm; color: #333; }
.draft { color: #b00; text-align: center; font-weight: bold; border: 1px solid #b00; padding: 2mm; margin-bottom: 4mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-left: 3pt solid #333; padding-left: 2mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 2mm; }
th, td { border: 0.6pt solid #555; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
th { background: #f0f0f0; font-weight: bold; white-space: nowrap; }
td.code { white-space: nowrap; width: 12mm; }
td.verdict { white-space: nowrap; width: 20mm; }
.hit { font-weight: bold; color: #900; }
.text { white-space: pre-wrap; border: 0.6pt solid #555; padding: 3mm; min-height: 25mm; }
.conclusion { font-size: 13pt; font-weight: bold; }
.sign { margin-top: 10mm; }
.sign td { border: none; padding: 1mm 0; }
.digest { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 8pt; color: #444; word-break: break-all; }
</style></head><body>
<h1>安全评价报告审查意见书</h1>
<div class="number">编号：{{ number }}</div>
{% if draft %}<div class="draft">草稿（未签署提交，不作为正式审查意见）</div>{% endif %}
<table>
<tr><th>专项整治</th><td colspan="3">{{ campaign }}</td></tr>
<tr><th>项目名称</th><td colspan="3">{{ o.project_name }}</td></tr>
<tr><th>企业名称</th><td colspan="3">{{ o.enterprise_name }}</td></tr>
<tr><th>评价机构</th><td colspan="3">{{ o.agency_name }}</td></tr>
<tr><th>报告编号</th><td>{{ o.report_number }}</td><th>评价类型</th><td>{{ kind }}</td></tr>
<tr><th>审查专家</th><td>{{ o.expert_name }}</td><th>版本</th><td>第 {{ o.version }} 版</td></tr>
{% if o.correction_reason %}<tr><th>更正原因</th><td colspan="3">{{ o.correction_reason }}</td></tr>{% endif %}
</table>
{% for section in sections %}
<h2>{{ section.title }}</h2>
<table><tr><th>代码</th><th>检查内容</th><th>判定</th><th>页码/章节</th><th>说明</th></tr>
{% for row in section.rows %}<tr>
<td class="code">{{ row.code }}</td><td>{{ row.label }}</td>
<td class="verdict{% if row.hit %} hit{% endif %}">{{ row.verdict }}</td>
<td>{{ row.location }}</td><td>{{ row.note }}</td>
</tr>{% endfor %}
</table>
{% endfor %}
<h2>四、其他违法违规问题（R4）</h2>
{% if o.other_breaches %}
<table><tr><th>序号</th><th>问题</th><th>依据</th><th>页码/章节</th></tr>
{% for b in o.other_breaches %}<tr><td class="code">{{ loop.index }}</td>
<td>{% if b.sub_code %}{{ b.sub_code }} {{ labels.get(b.sub_code, "") }}：{% endif %}{{ b.description }}</td>
<td>{{ b.legal_basis or "" }}</td><td>{{ b.location or "" }}</td></tr>{% endfor %}
</table>
{% else %}<p>无。</p>{% endif %}
<h2>五、审查意见</h2>
<div class="text">{{ o.opinion_text or "" }}</div>
<h2>六、审查结论</h2>
<p class="conclusion">{{ conclusion }}</p>
<table class="sign">
<tr><td>审查专家（签名）：{{ o.signed_name or "（未签署）" }}</td><td>签署时间：{{ signed_at }}</td></tr>
</table>
{% if o.content_sha256 %}<p class="digest">内容校验码（SHA-256）：{{ o.content_sha256 }}</p>{% endif %}
</body></html>
"""

_environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_template = _environment.from_string(TEMPLATE)


def _beijing(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).strftime("%Y年%m月%d日 %H:%M") if moment else "—"


def _sections(opinion: Any, lists: checklist.Checklists, applicable: list[str]) -> list[dict[str, Any]]:
    criteria = {c.code: c for c in opinion.criteria}
    hazards = {h.code: h for h in opinion.hazards}

    def criterion_rows(items: list[Any]) -> list[dict[str, Any]]:
        rows = []
        for item in items:
            answer = criteria.get(item.code)
            met = answer.met if answer else None
            rows.append(
                {
                    "code": item.code,
                    "label": item.label,
                    "verdict": "存在" if met else "不存在" if met is False else "未判断",
                    "hit": bool(met),
                    "location": (answer.location or "") if answer else "",
                    "note": (answer.note or "") if answer else "",
                }
            )
        return rows

    hazard_rows = []
    for item in lists.hazards:
        answer = hazards.get(item.code)
        if item.code not in applicable and answer is None:
            continue
        status = answer.status if answer else None
        hazard_rows.append(
            {
                "code": item.code,
                "label": item.label,
                "verdict": checklist.HAZARD_STATUS_NAMES.get(status or "", "未判断"),
                "hit": status in checklist.HAZARD_PROBLEMS,
                "location": (answer.location or "") if answer else "",
                "note": (answer.note or "") if answer else "",
            }
        )
    return [
        {"title": "一、报告失实情形（R1）", "rows": criterion_rows(lists.inaccurate)},
        {"title": "二、报告虚假情形（R2）", "rows": criterion_rows(lists.false)},
        {"title": "三、重大生产安全事故隐患评价情况（R3）", "rows": hazard_rows},
    ]


def render(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: loading pango/cairo is slow and only this path needs it

    return bytes(HTML(string=_template.render(**context)).write_pdf())


async def opinion_pdf(session: AsyncSession, scope: AccessScope, opinion_id: int) -> tuple[bytes, str]:
    opinion = await opinion_detail(session, scope, opinion_id)
    lists = await checklist.load(session)
    project = await session.get_one(Project, opinion.project_id)
    activities = await session.scalar(select(Enterprise.activities).where(Enterprise.id == project.enterprise_id))
    campaign = await session.scalar(
        select(Campaign.name)
        .join(ReviewOpinion, ReviewOpinion.campaign_id == Campaign.id)
        .where(ReviewOpinion.id == opinion_id)
    )
    kind = await session.scalar(
        select(ReferenceCode.label).where(
            ReferenceCode.category == "evaluation_kind", ReferenceCode.code == project.kind
        )
    )
    number = f"AP-SC-{opinion.retrieval_item_id:05d}-{opinion.expert_id:03d}-V{opinion.version}"
    context = {
        "title": f"审查意见书 {number}",
        "font_family": FONT_FAMILY,
        "number": number,
        "draft": opinion.status != "submitted",
        "campaign": campaign or "",
        "kind": kind or project.kind,
        "o": opinion,
        "labels": {item.code: item.label for item in lists.process},
        "sections": _sections(opinion, lists, lists.applicable_hazards(activities or [])),
        "conclusion": checklist.CONCLUSION_NAMES.get(opinion.conclusion or "", "（未作结论）"),
        "signed_at": _beijing(opinion.submitted_at),
    }
    pdf = await run_in_threadpool(render, context)
    suffix = "" if opinion.status == "submitted" else "（草稿）"
    return pdf, f"审查意见书-{opinion.report_number}-第{opinion.version}版{suffix}.pdf"
