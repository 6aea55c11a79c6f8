"""`docket demo`: a sample office, one forwarded notice in a Maildir inbox, one pass of the loop."""
