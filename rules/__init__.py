"""Text in, findings out: directives, assignees, deadlines, recurrence, document metadata. Pure."""
