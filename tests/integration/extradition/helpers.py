"""Bodies of extradition requests for tests: the demo scenarios of issue 6."""

from __future__ import annotations

import copy
from typing import Any

from shared.legal.extradition.treaties import US_MX_1978

COCAINE = {
    "conduct": "Between 2024 and 2026 he organised the shipment of 2.4 tonnes of cocaine from "
    "Manzanillo to Los Angeles in refrigerated containers and paid the drivers who crossed "
    "the border at Tijuana.",
    "category": "drug_trafficking",
    "provision": "21 U.S.C. §§ 841(a)(1), 846, 960, 963",
    "max_penalty_months": 480,
}

US_TO_MX: dict[str, Any] = {
    "requested_authority": "MX-FGR",
    "person_sought": {
        "name": "Joaquín Ramírez Ortega",
        "aliases": ["El Contador"],
        "nationalities": ["MX"],
        "date_of_birth": "1979-03-14",
        "known_locations": ["Culiacán, Sinaloa"],
    },
    "purpose": "prosecution",
    "offences": [COCAINE],
    "legal_bases": [
        US_MX_1978.model_dump(mode="json"),
        {"kind": "c1988", "name": "1988 Convention against Illicit Traffic"},
    ],
    "warrant_references": ["Arrest warrant 3:26-cr-00417, S.D. Cal."],
    "interpol_notice": "A-1234/5-2026",
    "summary_of_facts": "Cocaine shipments from Manzanillo to Los Angeles, 2024-2026.",
}

ES_TO_CO: dict[str, Any] = {
    "requested_authority": "CO-MJD",
    "person_sought": {
        "name": "Andrés Felipe Mosquera",
        "nationalities": ["CO"],
        "known_locations": ["Cali"],
    },
    "purpose": "prosecution",
    "offences": [
        {
            "conduct": "He organised the shipment of cocaine in fruit containers to Algeciras.",
            "category": "drug_trafficking",
            "provision": "Código Penal, arts. 368-369",
            "max_penalty_months": 108,
        }
    ],
    "legal_bases": [
        {
            # The figures the officers record for this case (test data).
            "kind": "domestic_law",
            "name": "Colombian Code of Criminal Procedure",
            "parameters": {
                "threshold_months": 12,
                "surrender_days": 30,
                "surrender_provision": "surrender after the decision (verify)",
            },
        },
        {"kind": "c1988", "name": "1988 Convention against Illicit Traffic"},
    ],
}


def body(template: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    result = copy.deepcopy(template)
    result.update(overrides)
    return result
