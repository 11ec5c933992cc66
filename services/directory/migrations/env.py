"""Alembic environment of the directory: its tables and the kernel's."""

from services.directory.models import directory_registry
from shared.migrations import run_env

run_env(directory_registry.metadata)
