"""The MLA service (port 8002): mutual legal assistance requests, sent and received.

Plan of Action paras. 55-56: a central authority drafts, sends, receives and
executes requests for mutual legal assistance; docs/domain.md "Mutual legal
assistance" holds the rules and their sources.
"""

from __future__ import annotations

from pathlib import Path

from services.mla.routes import router
from services.mla.settings import MlaSettings
from shared.app import case_service_app

MIGRATIONS: Path = Path(__file__).parent / "migrations"
Settings = MlaSettings

DESCRIPTION = (
    "Mutual legal assistance requests (Plan of Action paras. 55-56; UNTOC art. 18; 1988 "
    "Convention art. 7): drafting with the completeness checklist of UNTOC art. 18(15), "
    "sending, registering requests received outside Comity, acknowledgement, forwarding to "
    "an executing authority, additional information, consultations, postponement and "
    "refusal with their rules, execution measure by measure, deadlines on the responsible "
    "State's calendar. Only the parties to a request see it."
)


create_app = case_service_app(
    MlaSettings, title="Comity mutual legal assistance", description=DESCRIPTION, router=router
)
