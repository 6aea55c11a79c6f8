"""Bytes in, text with provenance out: e-mail, .docx, .pdf, .doc, HTML and plain text. Pure."""
