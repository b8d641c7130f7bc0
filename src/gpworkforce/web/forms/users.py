"""An administrator creates an account: username, role, organisation (within theirs), password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from gpworkforce.web.roles import Role


class NewUserForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]{3,150}$",
        error_messages={
            "required": "Enter a username",
            "invalid": "Username must be 3 to 150 letters, digits or . @ + - _",
        },
    )
    role = forms.ChoiceField(choices=Role.choices(), error_messages={"required": "Select a role"})
    organisation = forms.ChoiceField(error_messages={"required": "Select an organisation"})
    password = forms.CharField(
        strip=False, error_messages={"required": "Enter a first password for the user"}
    )

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = org_choices
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Select an organisation you are responsible for"
        )
        self.fields["role"].error_messages["invalid_choice"] = "Select one of the roles listed"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from None
        return password

    def error_list(self) -> list[dict[str, str]]:
        return [
            {"text": str(msg), "href": f"#{field}"}
            for field, msgs in self.errors.items()
            for msg in msgs
        ]
