from shared.db import kernel_registry
from shared.migrations import run_env
from tests.kernel_app.app import kernel_app_registry

run_env([kernel_registry.metadata, kernel_app_registry.metadata])
