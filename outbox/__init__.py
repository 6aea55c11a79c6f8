"""Outgoing mail: compose, enqueue in the caller's transaction, deliver later from the outbox table."""
