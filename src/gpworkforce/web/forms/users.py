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
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter the person's work email address",
            "invalid": "Enter an email address like name@nhs.net",
        },
    )
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


class EditUserForm(forms.Form):
    """An administrator changes an account: role, organisation (within theirs), name and email."""

    role = forms.ChoiceField(choices=Role.choices(), error_messages={"required": "Select a role"})
    organisation = forms.ChoiceField(error_messages={"required": "Select an organisation"})
    first_name = forms.CharField(
        required=False,
        max_length=150,
        error_messages={"max_length": "First name must be at most 150 characters"},
    )
    last_name = forms.CharField(
        required=False,
        max_length=150,
        error_messages={"max_length": "Last name must be at most 150 characters"},
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@nhs.net"},
    )

    def __init__(self, *args: Any, org_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = org_choices
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Select an organisation you are responsible for"
        )
        self.fields["role"].error_messages["invalid_choice"] = "Select one of the roles listed"

    def error_list(self) -> list[dict[str, str]]:
        return _error_list(self)


class SetActiveForm(forms.Form):
    """Deactivate (``active=0``) or reactivate (``active=1``) an account."""

    active = forms.TypedChoiceField(
        choices=[("0", "Deactivate"), ("1", "Reactivate")],
        coerce=lambda v: v == "1",
        error_messages={
            "required": "Choose to deactivate or reactivate the account",
            "invalid_choice": "Choose to deactivate or reactivate the account",
        },
    )

    def error_list(self) -> list[dict[str, str]]:
        return _error_list(self)


class SetPasswordForm(forms.Form):
    """An administrator sets a new password for an account (Django's password validators)."""

    password = forms.CharField(strip=False, error_messages={"required": "Enter a new password"})
    password_confirm = forms.CharField(
        strip=False, error_messages={"required": "Enter the new password again"}
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password, user=self.user)
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from None
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, again = data.get("password"), data.get("password_confirm")
        if first and again is not None and first != again:
            self.add_error("password_confirm", "Enter the same password twice")
        return data

    def error_list(self) -> list[dict[str, str]]:
        return _error_list(self)


class ChangeOwnPasswordForm(SetPasswordForm):
    """The user chooses their own password: the current one, then the new one twice."""

    current_password = forms.CharField(
        strip=False, error_messages={"required": "Enter your current password"}
    )
    field_order = ("current_password", "password", "password_confirm")

    def clean_current_password(self) -> str:
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            raise ValidationError("Your current password is not the one entered")
        return current

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password") == data.get("current_password"):
            self.add_error("password", "Choose a new password, not the current one")
        return data


def _error_list(form: forms.Form) -> list[dict[str, str]]:
    return [
        {"text": str(msg), "href": f"#{field}"}
        for field, msgs in form.errors.items()
        for msg in msgs
    ]
