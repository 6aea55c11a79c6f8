"""The Docket daemon: settings, database, mailbox, processing loop, scheduler and admin CLI."""
