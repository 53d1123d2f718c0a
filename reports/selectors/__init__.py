"""Reads for the dashboards. They return plain, JSON-ready dicts ("payloads") built from stored
rollup results and plan data only — never raw school values — so that a meeting snapshot can
freeze exactly what a page shows."""
