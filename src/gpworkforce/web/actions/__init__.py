"""The action layer: the ONLY code that writes to the database.

Each action runs in one transaction (``transaction.atomic``) and records an :class:`AuditEvent`
(who, when, what, before and after) in that same transaction, so a write without its audit record
cannot exist. Views and management commands call actions; they never save models themselves.
"""
