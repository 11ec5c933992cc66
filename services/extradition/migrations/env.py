"""Alembic environment of the extradition service: its tables, the casework tables and the
kernel's."""

from services.extradition.models import extradition_registry
from shared.casework.models import casework_registry
from shared.migrations import run_env

run_env(casework_registry.metadata, extradition_registry.metadata)
