"""Users: each belongs to one organisation and has one role (see ``permissions.py``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from gpworkforce.web.models.orgs import Organisation
from gpworkforce.web.roles import Role


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices(), blank=True, default="")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    # Set when someone else (an administrator) chose the password: the user must choose their own
    # at their next sign-in before anything else (gpworkforce.web.signin).
    must_change_password = models.BooleanField(default=False)

    class Meta:
        constraints = (
            # A user with a role belongs to an organisation; a user without one has no access.
            models.CheckConstraint(
                condition=Q(role="") | Q(organisation__isnull=False), name="user_role_needs_org"
            ),
        )

    @property
    def role_enum(self) -> Role | None:
        return Role(self.role) if self.role else None
