"""Peer implementations driven for validation and benchmarks (dev extra only)."""
