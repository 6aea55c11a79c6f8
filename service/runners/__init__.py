"""The daemon and its passes: intake, process (with triage), the scheduler, one pass and the loop around
it."""
