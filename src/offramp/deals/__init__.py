"""Bundled deals: one TOML file a deal (see offramp.scenario.deal and docs/deals.md)."""
