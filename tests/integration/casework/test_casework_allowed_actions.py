"""What a read offers is what the API accepts (shared/casework/state_machine.py): every read
of a case lists the caller's ``allowed_actions``, and every transition the caller may not
take now answers 409 ``invalid-transition`` with the same list, because both come from one
function. Checked for a supervisor of each side (they hold every role, so a missing role
never answers first) on a request in progress, posting each transition of the service
with a valid body and a current ``If-Match``: nothing but the state machine can refuse it."""

from __future__ import annotations

import pytest

from tests.integration.casework.conformance import CaseServiceUnderTest, body_for
from tests.integration.casework.helpers import read
from tests.integration.mla.helpers import Api


class TestTheReadAndTheRefusalAgree:
    @pytest.mark.parametrize("side", ["requesting", "requested"])
    async def test_every_transition_not_offered_is_refused_with_the_same_list(
        self, side: str, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        supervisor = getattr(service, side).supervisor
        seen = await read(api, supervisor, request["id"])
        allowed = seen.json()["allowed_actions"]
        assert set(allowed) <= set(service.transitions), allowed
        refused = [action for action in service.transitions if action not in allowed]
        assert refused, "a supervisor may take every transition of the service now"
        for action in refused:
            answer = await api.act(
                supervisor, request["id"], action, body_for(service.transitions[action], request)
            )
            assert answer.status_code == 409, f"{action} by {supervisor}: {answer.text}"
            problem = answer.json()
            assert problem["code"] == "invalid-transition", f"{action}: {problem}"
            assert problem["state"] == request["state"], action
            assert problem["allowed_actions"] == allowed, action
        # Nothing was done.
        assert (await read(api, supervisor, request["id"])).headers["etag"] == seen.headers["etag"]
