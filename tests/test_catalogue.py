"""The parameter catalogue: built once from the schema, and what every list of parameters reads."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel

from offramp.calibration.opinion_fit import FREE_PARAMETERS
from offramp.calibration.search import parameter_box
from offramp.engine.parameters import numeric_parameters
from offramp.mechanisms.epstein import EpsteinParameters
from offramp.report.parameters import policy_parameters, scenario_parameters
from offramp.scenario import schema
from offramp.scenario.catalogue import parameter_catalogue, per_run_parameters, schema_catalogue
from offramp.scenario.schema import EpsteinSettings, Policy


def _numeric_fields(model: type[BaseModel], seen: set) -> int:
    """How many int/float fields the schema declares, walking every table once."""
    if model in seen:
        return 0
    seen.add(model)
    count = 0
    for field in model.model_fields.values():
        annotation = field.annotation
        if annotation in (int, float):
            count += 1
        for inner in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                count += _numeric_fields(inner, seen)
    return count


def test_every_numeric_field_of_the_schema_is_catalogued_with_a_unit():
    catalogue = schema_catalogue()
    assert len(catalogue) == _numeric_fields(schema.Scenario, set())
    for entry in catalogue.values():
        assert entry.unit is not None and entry.source, entry.path
        assert entry.description, entry.path


def test_the_engine_the_ranges_and_the_report_read_the_same_catalogue(ukraine):
    per_run = [entry.path for entry in per_run_parameters(ukraine)]
    for policy in ukraine.policies:
        values = numeric_parameters(ukraine, policy)
        assert list(values) == per_run
        assert values["policy.guarantee_credibility"] == policy.guarantee_credibility
    assert list(ukraine.parameter_ranges()) == per_run
    report = [info.path for info in scenario_parameters(ukraine)]
    assert report == [path for path in per_run if not path.startswith("policy.")]
    region = ukraine.population.regions[0]
    share = parameter_catalogue(ukraine)[f"population.{region.name}.no_concessions_share"]
    assert share.value(ukraine) == region.no_concessions_share
    assert str(ukraine.parameter_ranges()["bargaining.discount"]) == "(0, 1)"


def test_each_policys_levers_are_parameters_with_their_own_values(ukraine):
    levers = policy_parameters(ukraine)
    numeric = [n for n, f in Policy.model_fields.items() if f.annotation in (int, float)]
    assert len(levers) == len(numeric) * len(ukraine.policies)
    for info in levers:
        policy = ukraine.policy(info.policy)
        assert info.path == f"policies.{policy.name}.{info.name}"
        assert info.value == getattr(policy, info.name)


def test_calibration_bounds_are_the_catalogues(ukraine):
    catalogue = schema_catalogue()
    box = parameter_box(ukraine, FREE_PARAMETERS)
    assert list(box.high) == [catalogue[name].upper for name in FREE_PARAMETERS]
    assert dict(zip(box.names, box.high, strict=True))["opinion.success_rally"] == 100.0


def test_epstein_settings_are_the_one_set_of_defaults():
    settings = EpsteinSettings()
    params = settings.to_parameters()
    assert (params.width, params.height, params.vision, params.cop_density) == (20, 20, 4, 0.04)
    # the mechanism declares no default of its own for anything the scenario sets
    without_default = {
        f.name for f in dataclasses.fields(EpsteinParameters) if f.default is dataclasses.MISSING
    }
    assert without_default == {
        "width", "height", "citizen_density", "cop_density", "vision", "k", "threshold",
        "max_jail_term", "rounding", "neighbourhood", "jailed_keep_cell",
    }  # fmt: skip
    changed = EpsteinSettings(grid=30, vision=5, rounding="floor", jailed_keep_cell=True)
    built = changed.to_parameters()
    assert (built.width, built.vision, built.rounding, built.jailed_keep_cell) == (
        30,
        5,
        "floor",
        True,
    )
