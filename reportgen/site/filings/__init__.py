"""Filings: a department's year (uploads, versions, builds, workflow). Imports nothing, so
that filings.child runs without Django."""
