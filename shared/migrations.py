"""Alembic per service (docs/architecture.md "Data").

Each service keeps ``migrations/`` beside its models, with an ``env.py`` that
calls :func:`run_env` with its metadata and the kernel's. Migration files are
named ``YYYY-MM-DD-HHMM_slug``. Tests and ``comity migrate`` build databases by
running these migrations, never with ``create_all``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import database_url, ensure_database, kernel_registry

FILE_TEMPLATE = "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s"


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("file_template", FILE_TEMPLATE)
    config.set_main_option("timezone", "UTC")
    config.attributes["url"] = url
    return config


def _configure_and_run(connection: Connection, metadata: Sequence[MetaData]) -> None:
    context.configure(
        connection=connection,
        target_metadata=list(metadata),
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: Sequence[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure_and_run, metadata)
    finally:
        await engine.dispose()


def kernel_metadata() -> MetaData:
    """The kernel's tables, which every service database holds."""
    # Imported for their table declarations on the kernel registry.
    from shared import audit, http, inbox, outbox  # noqa: F401

    return kernel_registry.metadata


def run_env(*service_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``: its tables (and any shared
    ones it uses, such as the casework tables) and the kernel's."""
    metadata = [kernel_metadata(), *service_metadata]
    url = context.config.attributes["url"]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=list(metadata), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(_run_online(url, metadata))


async def upgrade(migrations_dir: Path, server_url: str, database: str) -> None:
    """Create ``database`` if needed and bring it to the newest migration."""
    await ensure_database(server_url, database)
    url = database_url(server_url, database).render_as_string(hide_password=False)
    # Alembic's env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(command.upgrade, alembic_config(migrations_dir, url), "head")


async def check(migrations_dir: Path, server_url: str, database: str) -> None:
    """``alembic check``: raises when the models and the migrations disagree."""
    await upgrade(migrations_dir, server_url, database)
    url = database_url(server_url, database).render_as_string(hide_password=False)
    await asyncio.to_thread(command.check, alembic_config(migrations_dir, url))


async def revision(migrations_dir: Path, server_url: str, database: str, slug: str) -> None:
    """Generate a migration from the difference between the models and the database."""
    await upgrade(migrations_dir, server_url, database)
    url = database_url(server_url, database).render_as_string(hide_password=False)
    config = alembic_config(migrations_dir, url)
    # Generated files come out formatted and linted like the rest of the code.
    ruff = str(Path(sys.executable).parent / "ruff")
    config.set_section_option("post_write_hooks", "hooks", "ruff_format, ruff_fix")
    for hook, options in (("ruff_format", "format"), ("ruff_fix", "check --fix --unsafe-fixes")):
        config.set_section_option("post_write_hooks", f"{hook}.type", "exec")
        config.set_section_option("post_write_hooks", f"{hook}.executable", ruff)
        config.set_section_option(
            "post_write_hooks", f"{hook}.options", f"{options} REVISION_SCRIPT_FILENAME"
        )
    await asyncio.to_thread(command.revision, config, message=slug, autogenerate=True)
