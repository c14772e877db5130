"""Metadata sources: where model records come from (the Hub, a snapshot, a cache)."""
