"""Data versions bumped by triggers: the dashboard's counts and the projects list's totals are cached under them

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00.000000

The dashboard caches its counts, and the projects list its totals, per process, keyed by these versions. The
triggers bump a table's version in the writing transaction itself, so every write — ORM, raw SQL, COPY, another process — changes the key when it commits.
On SQLite, a batch migration that recreates one of these tables ("move and copy") drops its triggers: recreate them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("findings", "organizations", "projects", "self_checks")
SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    data_versions = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(data_versions, [{"name": table, "version": 0} for table in TABLES])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE data_versions SET version = version + 1 WHERE name = TG_TABLE_NAME;
                RETURN NULL;
            END;
            $$
            """
        )
        # Once per statement, not per row: a COPY of a million rows bumps once.
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_bump_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
            )
    else:
        # SQLite has row-level triggers only.
        for table in TABLES:
            for event in SQLITE_EVENTS:
                # Constant table names, not input.
                op.execute(
                    f"CREATE TRIGGER {table}_bump_data_version_{event.lower()} AFTER {event} ON {table} "  # noqa: S608
                    f"BEGIN UPDATE data_versions SET version = version + 1 WHERE name = '{table}'; END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_data_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    else:
        for table in TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_data_version_{event.lower()}")
    op.drop_table("data_versions")
