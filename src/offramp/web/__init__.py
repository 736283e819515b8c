"""The dashboard: `offramp serve` (FastAPI app, worker jobs, static page)."""
