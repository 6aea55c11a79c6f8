"""The domain: notices become tasks; corrections, extensions, recurrences, replies, audit and who is told."""
