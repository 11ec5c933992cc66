"""The extradition service (port 8003): extradition requests, sent and received.

Plan of Action paras. 52-54: provisional arrest and the formal request, dual
criminality, the court's and the executive's decisions, refusal with the duty
to extradite or prosecute, surrender and speciality; docs/domain.md "Extradition"
holds the rules and their sources.
"""

from __future__ import annotations

from pathlib import Path

from services.extradition.routes import router
from services.extradition.settings import ExtraditionSettings
from shared.app import case_service_app

MIGRATIONS: Path = Path(__file__).parent / "migrations"
Settings = ExtraditionSettings

DESCRIPTION = (
    "Extradition requests (Plan of Action paras. 52-54; 1988 Convention art. 6; UNTOC art. "
    "16): provisional arrest with the formal-request due date computed from the legal basis, "
    "dual-criminality assessment, court and executive decisions, refusal on grounds of the "
    "catalogue after consultation (extradite or prosecute), consent surrender, surrender and "
    "speciality. Only the parties to a request see it."
)


create_app = case_service_app(
    ExtraditionSettings, title="Comity extradition", description=DESCRIPTION, router=router
)
