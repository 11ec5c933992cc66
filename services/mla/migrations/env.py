"""Alembic environment of the MLA service: its tables, the casework tables and the kernel's."""

from services.mla.models import mla_registry
from shared.casework.models import casework_registry
from shared.migrations import run_env

run_env(casework_registry.metadata, mla_registry.metadata)
