"""Use cases: `projections` (events -> read models) and `reports` (read models -> admin)."""
