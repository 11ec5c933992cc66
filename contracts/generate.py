"""``make contracts``: write the JSON Schema of every event payload to contracts/schemas/.

A test regenerates them in memory and fails when the committed files differ.
"""

from __future__ import annotations

import json
from pathlib import Path

from contracts.catalog import EVENTS

SCHEMAS = Path(__file__).parent / "schemas"


def schemas() -> dict[str, str]:
    """File name -> content, for every event type."""
    result = {}
    for contract in EVENTS:
        schema = contract.payload.model_json_schema()
        schema["$id"] = f"https://comity.example.org/contracts/{contract.type}.json"
        schema["title"] = contract.type
        schema["description"] = contract.description
        schema["x-subject"] = contract.subject
        result[f"{contract.type}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return result


def main() -> None:
    SCHEMAS.mkdir(exist_ok=True)
    expected = schemas()
    for stale in SCHEMAS.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, content in expected.items():
        (SCHEMAS / name).write_text(content)


if __name__ == "__main__":
    main()
