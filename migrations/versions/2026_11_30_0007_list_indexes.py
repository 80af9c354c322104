"""Indexes for the projects list's default order (newest report first) within each scope: city, county, agency.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 07:40:43.407651
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_issued_on"))
        batch_op.create_index("ix_projects_agency_issued_on", ["agency_id", "issued_on", "id"], unique=False)
        batch_op.create_index("ix_projects_county_issued_on", ["county_id", "issued_on", "id"], unique=False)
        batch_op.create_index("ix_projects_issued_on_id", ["issued_on", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index("ix_projects_issued_on_id")
        batch_op.drop_index("ix_projects_county_issued_on")
        batch_op.drop_index("ix_projects_agency_issued_on")
        batch_op.create_index(batch_op.f("ix_projects_issued_on"), ["issued_on"], unique=False)
