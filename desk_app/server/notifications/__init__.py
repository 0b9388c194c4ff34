"""Customer notifications: an outbox filled inside the transaction of the change.

The sender that drains it over SMTP (and the templates) are issue 4's work;
the table is here so that a notification is queued atomically with its cause.
"""
