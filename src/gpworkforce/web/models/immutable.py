"""What the models of records that never change share (imported by those models, importing none)."""

from __future__ import annotations


class ImmutableRecord(Exception):
    """Raised on any attempt to change or delete a record that must never change."""
