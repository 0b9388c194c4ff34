"""Customer notifications: an outbox filled inside the transaction of the change.

`outbox` queues a notification atomically with its cause (same transaction);
`sender` drains it over SMTP with retries; `templates` renders the mails.
"""
