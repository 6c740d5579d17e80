"""import batches traceable: change-log rows name their batch; undo and worker columns

Revision ID: c4e1d2a9f310
Revises: b28ee6e0ad94
Create Date: 2026-12-01 21:40:00

"""

from alembic import op
import sqlalchemy as sa


revision = "c4e1d2a9f310"
down_revision = "b28ee6e0ad94"
branch_labels = None
depends_on = None

OLD_STATUSES = (
    "'checking', 'previewed', 'writing', 'written', 'rejected', 'unreadable', 'cancelled', 'failed'"
)
NEW_STATUSES = OLD_STATUSES + ", 'undone'"


def upgrade():
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_batch_id_import_batch"), "import_batch", ["batch_id"], ["id"]
        )

    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("undo_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("undone_by", sa.String(length=255), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_import_batch_undo_of_id"), ["undo_of_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_import_batch_undo_of_id_import_batch"),
            "import_batch",
            ["undo_of_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_import_batch_status_valid"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_import_batch_status_valid"), f"status IN ({NEW_STATUSES})"
        )


def downgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_import_batch_status_valid"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_import_batch_status_valid"), f"status IN ({OLD_STATUSES})"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_import_batch_undo_of_id_import_batch"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_import_batch_undo_of_id"))
        batch_op.drop_column("undone_by")
        batch_op.drop_column("undone_at")
        batch_op.drop_column("undo_of_id")
        batch_op.drop_column("worker")

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_log_batch_id_import_batch"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_log_batch_id"))
        batch_op.drop_column("batch_id")
