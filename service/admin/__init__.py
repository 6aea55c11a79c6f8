"""What staff look at and redo: listings, reports, messages, quarantine, reprocess, evaluation, health."""
