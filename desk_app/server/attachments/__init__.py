"""Attachment storage: content-addressed blobs, never named by user input."""
