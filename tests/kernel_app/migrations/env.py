from shared.migrations import run_env
from tests.kernel_app.app import kernel_app_registry

run_env(kernel_app_registry.metadata)
