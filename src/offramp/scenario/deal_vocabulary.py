"""The vocabulary of deal terms: each term of the deal schema, what it means, what it allows.

Read from :class:`offramp.scenario.deal.Deal`, not written by hand, so that a term added to
the schema appears wherever terms are offered for choice (the dashboard's deal builder, via
``GET /api/deals``): an enumerated term lists its values, a list of areas the values the
schema accepts (each tried against the schema's own checks: a withdrawal only from areas the
defender partly holds), a number its bounds (the catalogue's reader,
:func:`offramp.scenario.catalogue.field_bounds`).
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from offramp.scenario.catalogue import field_bounds
from offramp.scenario.deal import TERM_GROUPS, Deal


def deal_vocabulary() -> list[dict[str, Any]]:
    """Every term of the deal schema: group, name, path, description, default, ``kind``
    (``choice``, ``areas``, ``bool``, ``integer`` or ``number``) and what it allows
    (``allowed``, or ``minimum`` and ``maximum``; ``optional`` if it may be left unset)."""
    terms = []
    for group in TERM_GROUPS:
        model = Deal.model_fields[group].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        for name, info in model.model_fields.items():
            annotation = info.annotation
            default = info.get_default(call_default_factory=True)
            term: dict[str, Any] = {
                "group": group,
                "name": name,
                "path": f"{group}.{name}",
                "description": info.description or "",
                "default": default,
            }
            options = typing.get_args(annotation)
            if type(None) in options and len(options) == 2:
                # an optional choice (unset: the scenario's default, e.g. its ratification rule)
                annotation = next(o for o in options if o is not type(None))
                term["optional"] = True
            if typing.get_origin(annotation) is list:
                (item,) = typing.get_args(annotation)
                if typing.get_origin(item) is typing.Annotated:
                    item = typing.get_args(item)[0]
                accepted = []
                for value in typing.get_args(item):
                    try:
                        model.model_validate({name: [value]})
                    except ValidationError:
                        continue
                    accepted.append(value)
                term |= {"kind": "areas", "allowed": accepted}
            elif typing.get_origin(annotation) is typing.Literal:
                term |= {"kind": "choice", "allowed": list(typing.get_args(annotation))}
            elif annotation is bool:
                term |= {"kind": "bool", "allowed": [False, True]}
            else:
                limits = field_bounds(info.metadata, whole=annotation is int)
                bounds = {"minimum": limits["ge"], "maximum": limits["le"]}
                if bounds["minimum"] is None and _refused(model, name, -1):
                    bounds["minimum"] = 0  # a validator's floor (the army cap)
                kind = "integer" if annotation is int else "number"
                term |= {"kind": kind, **bounds}
            terms.append(term)
    return terms


def _refused(model: type[BaseModel], name: str, value: Any) -> bool:
    try:
        model.model_validate({name: value})
    except ValidationError:
        return True
    return False
