"""deploy/catalog.py names modules by string; these tests hold each one to its contract."""

from __future__ import annotations

import inspect

import pytest

from deploy import catalog


@pytest.mark.parametrize("part", catalog.PARTS, ids=lambda part: part.name)
class TestEveryPart:
    def test_its_module_makes_an_app_from_its_settings(self, part: catalog.Part) -> None:
        module = part.app_module()
        assert callable(module.create_app)
        assert part.settings_class().service == part.name

    def test_it_has_migrations_exactly_when_it_has_a_database(self, part: catalog.Part) -> None:
        if part.has_database:
            assert (part.migrations / "env.py").is_file()
            assert list((part.migrations / "versions").glob("*.py"))
        else:
            assert not hasattr(part.app_module(), "MIGRATIONS")
            with pytest.raises(ValueError, match="has no database"):
                _ = part.migrations

    def test_it_has_a_seed_exactly_when_the_catalog_says(self, part: catalog.Part) -> None:
        seed = getattr(part.app_module(), "seed_database", None)
        assert (seed is not None and inspect.iscoroutinefunction(seed)) == part.has_seed


def test_ports_are_those_of_the_design_and_distinct() -> None:
    assert {part.name: part.port for part in catalog.PARTS} == {
        "directory": 8001,
        "mla": 8002,
        "extradition": 8003,
        "gateway": 8000,
    }
    assert len({part.port for part in catalog.PARTS}) == len(catalog.PARTS)


def test_the_gateway_starts_after_every_service() -> None:
    assert catalog.PARTS[-1] is catalog.GATEWAY
    assert catalog.GATEWAY not in catalog.SERVICES


def test_parts_are_found_by_name() -> None:
    assert catalog.part("gateway") is catalog.GATEWAY
    with pytest.raises(KeyError):
        catalog.part("archive")
