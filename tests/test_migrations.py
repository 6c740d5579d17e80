"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import MIGRATIONS_ENV_WARNING
from sqlalchemy import inspect

from models import db
from search_index import ignored_names, include_name, include_object

pytestmark = MIGRATIONS_ENV_WARNING


def migrate(app, revision="head"):
    with app.app_context():
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory, revision=revision)


def test_upgrade_on_an_empty_database_matches_the_models(empty_app):
    migrate(empty_app)
    with empty_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_object": include_object,
                "include_name": include_name,
            },
        )
        differences = compare_metadata(context, db.metadata)
        assert differences == []
        tables = set(inspect(connection).get_table_names()) - ignored_names()
    assert {t.name for t in db.metadata.sorted_tables} | {"alembic_version"} == tables


def test_downgrade_to_base_removes_every_table(empty_app):
    migrate(empty_app)
    with empty_app.app_context():
        flask_migrate.downgrade(
            directory=empty_app.extensions["migrate"].directory, revision="base"
        )
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
    migrate(empty_app)
