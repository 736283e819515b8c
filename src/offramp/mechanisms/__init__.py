"""The mechanisms: pure functions over arrays, one module a mechanism."""

MECHANISMS = (
    "battlefield",
    "patrons",
    "bargaining",
    "opinion",
    "ratification",
    "mobilization",
    "leadership",
    "epstein",
)
