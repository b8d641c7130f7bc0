"""The form that sets an organisation's skill-mix optimisation problem."""

from __future__ import annotations

from django import forms

from gpworkforce.skillmix.levers import LEVERS

MAX_YEARS = 20


class OptimiseForm(forms.Form):
    target_year = forms.IntegerField(
        label="Target year",
        help_text="The year the task demand must be met by",
        error_messages={
            "required": "Enter the target year",
            "invalid": "Enter the target year as a whole number, like 2020",
        },
    )
    probability = forms.IntegerField(
        label="Probability the demand is met (%)",
        help_text="Demand growth is uncertain: the mix meets the demand in this share of 1,000"
        " draws. Leave empty for the central growth.",
        required=False,
        min_value=1,
        max_value=99,
        error_messages={
            "invalid": "Enter the probability as a whole number of per cent, like 90",
            "min_value": "Enter a probability from 1 to 99 per cent",
            "max_value": "Enter a probability from 1 to 99 per cent",
        },
    )
    budget = forms.DecimalField(
        label="Budget for the levers (£ a year)",
        help_text="Leave empty for no budget limit",
        required=False,
        min_value=1,
        max_value=10**10,
        decimal_places=0,
        error_messages={
            "invalid": "Enter the budget in whole pounds, like 3000000",
            "min_value": "Enter a budget of at least £1",
            "max_value": "Enter a budget of at most £10,000,000,000",
            "max_decimal_places": "Enter the budget in whole pounds, like 3000000",
        },
    )
    training_places = forms.IntegerField(
        label="Training places a year",
        help_text="Places for staff training into another role (e.g. practice nurse to advanced"
        " nurse practitioner)",
        min_value=0,
        max_value=10_000,
        error_messages={
            "required": "Enter the training places a year (0 for none)",
            "invalid": "Enter the training places as a whole number, like 20",
            "min_value": "Enter 0 or more training places",
            "max_value": "Enter at most 10,000 training places",
        },
    )
    min_gp_per_1000 = forms.DecimalField(
        label="Minimum GP WTE per 1,000 patients",
        help_text="GP cover the mix must keep (NHS England's expectation in the LLR plan: 0.58)."
        " 0 for none.",
        min_value=0,
        max_value=5,
        decimal_places=3,
        error_messages={
            "required": "Enter the minimum GP WTE per 1,000 patients (0 for none)",
            "invalid": "Enter the minimum GP cover as a number, like 0.5",
            "min_value": "Enter a minimum GP cover of 0 or more",
            "max_value": "Enter a minimum GP cover of at most 5 WTE per 1,000 patients",
            "max_decimal_places": "Enter the minimum GP cover to at most 3 decimal places",
        },
    )
    staff_share = forms.IntegerField(
        label="Today's staff still in post in the target year (%)",
        help_text="Leavers not replaced by then, as a share of today's WTE",
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter the share of today's staff still in post (100 for all)",
            "invalid": "Enter the share as a whole number of per cent, like 90",
            "min_value": "Enter a share from 1 to 100 per cent",
            "max_value": "Enter a share from 1 to 100 per cent",
        },
    )
    levers = forms.MultipleChoiceField(
        label="Levers allowed",
        choices=list(LEVERS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one lever",
            "invalid_choice": "Choose levers from the list",
        },
    )

    def __init__(self, *args: object, base_year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.base_year = base_year

    def clean_target_year(self) -> int:
        year = self.cleaned_data["target_year"]
        if not self.base_year < year <= self.base_year + MAX_YEARS:
            raise forms.ValidationError(
                f"Enter a target year from {self.base_year + 1} to {self.base_year + MAX_YEARS}"
                f" (the figures are of {self.base_year})"
            )
        return year


PLAN_YEARS = 15


class PlanForm(forms.Form):
    years = forms.IntegerField(
        label="Plan years",
        help_text=f"Years after the census year to plan, 1 to {PLAN_YEARS}",
        min_value=1,
        max_value=PLAN_YEARS,
        error_messages={
            "required": "Enter the number of plan years",
            "invalid": "Enter the plan years as a whole number, like 5",
            "min_value": f"Enter from 1 to {PLAN_YEARS} plan years",
            "max_value": f"Enter from 1 to {PLAN_YEARS} plan years",
        },
    )
    by_practice = forms.ChoiceField(
        label="Plan the practices",
        choices=[
            ("yes", "One by one: each practice meets its own task demand every year"),
            ("no", "As one: the organisation's staff and patients summed"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to plan the practices one by one or as one",
            "invalid_choice": "Choose whether to plan the practices one by one or as one",
        },
    )
    probability = OptimiseForm.base_fields["probability"]
    training_places = OptimiseForm.base_fields["training_places"]
    min_gp_per_1000 = OptimiseForm.base_fields["min_gp_per_1000"]
    budget = OptimiseForm.base_fields["budget"]
