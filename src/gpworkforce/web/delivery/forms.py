"""Forms for the delivery plan's workstreams, KPIs and initiatives (Django forms: field checks;
the rules a KPI must meet are the library's, checked by building its domain object). Each form
knows the organisation whose register it writes to, for its choices (workstreams, plans,
funding schemes)."""

from __future__ import annotations

from typing import Any

from django import forms
from pydantic import ValidationError

from gpworkforce.delivery.kpis import Direction, Kpi, MeasureRef
from gpworkforce.delivery.measures import BASELINE_MEASURES, MEASURE_KIND_LABELS
from gpworkforce.web.delivery import measures
from gpworkforce.web.delivery.models import Workstream

LEVER_CHOICES = [
    ("", "No lever"),
    ("international_recruits", "International recruits joining"),
    ("returners", "GPs returning to practice"),
    ("leaving_rates", "GP leaving rates"),
    ("locum_conversion", "Locums moving to salaried posts"),
    ("trainee_retention", "Registrars staying after training"),
]
STAFF_GROUP_CHOICES = [
    ("", "Not applicable"),
    ("gp", "GPs"),
    ("nurses", "Nurses"),
    ("dpc", "Direct patient care"),
    ("admin", "Admin and non-clinical"),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _workstream_choices(org: str) -> list[tuple[str, str]]:
    return [("", "No workstream")] + [
        (str(w.pk), f"{w.number}. {w.name}")
        for w in Workstream.objects.filter(organisation_id=org).order_by("number")
    ]


class _OrgForm(forms.Form):
    def __init__(self, *args: Any, org: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.org = org
        if "workstream" in self.fields:
            self.fields["workstream"].choices = _workstream_choices(org)  # type: ignore[attr-defined]

    def workstream_obj(self) -> Workstream | None:
        pk = self.cleaned_data.get("workstream")
        return (
            Workstream.objects.filter(pk=int(pk), organisation_id=self.org).first() if pk else None
        )


class WorkstreamForm(_OrgForm):
    number = forms.IntegerField(label="Number", min_value=1, max_value=999)
    name = forms.CharField(label="Workstream", max_length=200)
    position = forms.CharField(label="Position", max_length=100, required=False,
                               help_text="For example Commenced or Not started")  # fmt: skip
    owner = forms.CharField(label="Owner", max_length=200, required=False)
    start_year = forms.IntegerField(label="First year", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Last year", min_value=2000, max_value=2100)
    actions = forms.CharField(label="Actions", required=False, widget=forms.Textarea,
                              help_text="One a line")  # fmt: skip
    success_measures = forms.CharField(label="Success measures", required=False,
                                       widget=forms.Textarea, help_text="One a line")  # fmt: skip
    kpi_text = forms.CharField(label="KPIs as the board wrote them", required=False,
                               widget=forms.Textarea, help_text="One a line")  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", f"The last year must not be before the first ({start})")
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "number": d["number"],
            "name": d["name"].strip(),
            "position": d["position"].strip(),
            "owner": d["owner"].strip(),
            "start_year": d["start_year"],
            "end_year": d["end_year"],
            "actions": _lines(d["actions"]),
            "success_measures": _lines(d["success_measures"]),
            "kpi_text": _lines(d["kpi_text"]),
        }


class KpiForm(_OrgForm):
    ref = forms.CharField(label="Reference", max_length=20, help_text="For example 3a")
    name = forms.CharField(label="What is measured", max_length=300)
    workstream = forms.ChoiceField(label="Workstream", required=False)
    measure_kind = forms.ChoiceField(label="Measured by", choices=list(MEASURE_KIND_LABELS.items()))
    baseline_measure = forms.ChoiceField(
        label="Baseline measure",
        required=False,
        choices=[("", "Not a baseline measure")]
        + [(k, m.label) for k, m in BASELINE_MEASURES.items()],
        help_text="When measured by a baseline measure",
    )
    measure = forms.CharField(
        label="Plan or organisation",
        max_length=200,
        required=False,
        help_text="A plan's variance: the plan's name. Spend: the organisation as the allocations "
        "register names it, or All organisations",
    )
    staff_group = forms.ChoiceField(label="Staff group", choices=STAFF_GROUP_CHOICES,
                                    required=False, help_text="A plan's variance: whose")  # fmt: skip
    unit = forms.CharField(
        label="Unit", max_length=20, required=False, help_text="For example WTE or %"
    )
    direction = forms.ChoiceField(
        label="Better when the value is",
        choices=[(Direction.HIGHER_IS_BETTER.value, "Higher"), (Direction.LOWER_IS_BETTER.value, "Lower")],
    )  # fmt: skip
    target = forms.FloatField(label="Target")
    amber_tolerance = forms.FloatField(label="Amber within", min_value=0, initial=0,
                                       help_text="How far short of the target still counts as amber")  # fmt: skip
    stale_after_days = forms.IntegerField(
        label="Out of date after (days)", min_value=1, initial=120
    )
    red_after_days = forms.IntegerField(label="Red when a milestone is overdue by more than (days)",
                                        min_value=0, initial=90)  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("measure_kind", "")
        measure = (
            data.get("baseline_measure", "") if kind == "baseline" else data.get("measure", "")
        ).strip()
        data["measure_value"] = measure
        fields = {"measure": "baseline_measure" if kind == "baseline" else "measure"}
        for field, expected, found in measures.measure_problems(
            kind, measure, data.get("staff_group", "")
        ):
            name = fields.get(field, field)
            if name == "baseline_measure":
                self.add_error(name, "Choose the baseline measure")
            elif field == "measure" and kind == "plan-variance":
                self.add_error(name, "Enter the name of the plan")
            elif field == "staff_group":
                self.add_error(name, "Choose the staff group of the plan")
            else:
                self.add_error(
                    name if name in self.fields else None, f"must {expected}, got {found}"
                )
        if kind == "plan-variance" and measure:
            from gpworkforce.web.plans.models import Plan

            if not Plan.objects.filter(organisation_id=self.org, name=measure).exists():
                self.add_error(
                    "measure", f"There is no plan called '{measure}' for this organisation"
                )
        if not self.errors:
            try:
                Kpi(
                    ref=data["ref"],
                    name=data["name"],
                    measure=MeasureRef(kind=kind, measure=measure, staff_group=data["staff_group"]),
                    unit=data["unit"],
                    direction=Direction(data["direction"]),
                    target=data["target"],
                    amber_tolerance=data["amber_tolerance"],
                    stale_after_days=data["stale_after_days"],
                    red_after_days=data["red_after_days"],
                )
            except ValidationError as exc:
                err = exc.errors()[0]
                field = str(err["loc"][0]) if err["loc"] else None
                self.add_error(field if field in self.fields else None, str(err["msg"]))
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        kind = d["measure_kind"]
        return {
            "ref": d["ref"].strip(),
            "name": d["name"].strip(),
            "workstream": self.workstream_obj(),
            "measure_kind": kind,
            "measure": d["measure_value"],
            "measure_org": "",
            "staff_group": d["staff_group"] if kind == "plan-variance" else "",
            "unit": d["unit"].strip(),
            "direction": d["direction"],
            "target": d["target"],
            "amber_tolerance": d["amber_tolerance"],
            "stale_after_days": d["stale_after_days"],
            "red_after_days": d["red_after_days"],
        }

    @staticmethod
    def initial_from(kpi: Any) -> dict[str, Any]:
        return {
            "ref": kpi.ref,
            "name": kpi.name,
            "workstream": str(kpi.workstream_id or ""),
            "measure_kind": kpi.measure_kind,
            "baseline_measure": kpi.measure if kpi.measure_kind == "baseline" else "",
            "measure": kpi.measure if kpi.measure_kind != "baseline" else "",
            "staff_group": kpi.staff_group,
            "unit": kpi.unit,
            "direction": kpi.direction,
            "target": kpi.target,
            "amber_tolerance": kpi.amber_tolerance,
            "stale_after_days": kpi.stale_after_days,
            "red_after_days": kpi.red_after_days,
        }


class InitiativeForm(_OrgForm):
    name = forms.CharField(label="Initiative", max_length=200)
    national = forms.BooleanField(label="National", required=False)
    local = forms.BooleanField(label="Local", required=False)
    lever = forms.ChoiceField(
        label="Scenario lever it moves", choices=LEVER_CHOICES, required=False
    )
    funding = forms.ChoiceField(label="Funding it draws on", required=False,
                                help_text="A scheme of the finance funding register")  # fmt: skip
    lead = forms.CharField(label="Lead", max_length=200, required=False)
    status = forms.CharField(label="Status", max_length=60, required=False)
    start = forms.DateField(label="Start", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    end = forms.DateField(label="End", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    outcomes = forms.CharField(label="Expected outcomes", required=False, widget=forms.Textarea)
    workstream = forms.ChoiceField(label="Workstream", required=False)
    run = forms.ChoiceField(
        label="Forecast run that assumes it",
        required=False,
        help_text="A finished run of a scenario with the lever: the WTE the initiative delivers"
        " is worked out from it",
    )
    comparison_run = forms.ChoiceField(
        label="Compare with a run without the scheme",
        required=False,
        help_text="Optional for recruits, returners and locums moving to salaried posts (left"
        " blank, the lever is switched off); needed for leaving rates and registrars staying",
    )
    arrived_kpi = forms.ChoiceField(
        label="KPI that counts what has arrived",
        required=False,
        help_text="Its latest value is the WTE arrived so far",
    )
    assumed_wte = forms.FloatField(
        label="WTE the plan assumes it delivers (when no run models it)",
        required=False,
        min_value=0,
    )
    arrived_wte = forms.FloatField(
        label="WTE arrived so far (when no KPI counts it)", required=False, min_value=0
    )

    def __init__(self, *args: Any, org: str, current_funding: str = "", **kwargs: Any):
        super().__init__(*args, org=org, **kwargs)
        from gpworkforce.web.delivery.models import KpiRecord
        from gpworkforce.web.finance.models import FundingRecord
        from gpworkforce.web.scenarios.models import Run

        runs = Run.objects.filter(organisation_id=org, status="done").order_by("-finished_at")
        run_choices = [("", "No run")] + [
            (str(r.pk), f"{r.scenario_name} (run {r.pk}, {r.finished_at:%-d %B %Y})")
            for r in runs[:200]
        ]
        self.fields["run"].choices = run_choices  # type: ignore[attr-defined]
        self.fields["comparison_run"].choices = run_choices  # type: ignore[attr-defined]
        self.fields["arrived_kpi"].choices = [("", "No KPI")] + [  # type: ignore[attr-defined]
            (str(k.pk), f"{k.ref} {k.name}") for k in KpiRecord.objects.filter(organisation_id=org)
        ]

        schemes = sorted(
            set(FundingRecord.objects.filter(owner_id=org).values_list("scheme", flat=True))
            | ({current_funding} if current_funding else set())
        )
        self.fields["funding"].choices = [("", "No funding scheme")] + [(s, s) for s in schemes]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("national") or data.get("local")):
            self.add_error("national", "Tick national, local or both")
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", f"The end must not be before the start ({start:%d/%m/%Y})")
        if data.get("run") and not data.get("lever"):
            self.add_error("lever", "Choose the lever the run is to measure, or no run")
        if data.get("comparison_run") and not data.get("run"):
            self.add_error("run", "Choose the run to compare, or no comparison")
        elif data.get("comparison_run") and data["comparison_run"] == data.get("run"):
            self.add_error("comparison_run", "Choose a different run from the one it measures")
        if (
            data.get("run")
            and data.get("lever") in ("leaving_rates", "trainee_retention")
            and not data.get("comparison_run")
        ):
            self.add_error(
                "comparison_run",
                "Leaving rates and registrars staying have no 'off': choose a run without the"
                " scheme to compare with",
            )
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "national": d["national"],
            "local": d["local"],
            "lever": d["lever"],
            "funding": d["funding"],
            "lead": d["lead"].strip(),
            "status": d["status"].strip(),
            "start": d["start"],
            "end": d["end"],
            "description": d["description"].strip(),
            "outcomes": d["outcomes"].strip(),
            "workstream": self.workstream_obj(),
            "assumed_wte": d["assumed_wte"],
            "arrived_wte": d["arrived_wte"],
            "run_id": int(d["run"]) if d["run"] else None,
            "comparison_run_id": int(d["comparison_run"]) if d["comparison_run"] else None,
            "arrived_kpi_id": int(d["arrived_kpi"]) if d["arrived_kpi"] else None,
        }


class MilestoneForm(_OrgForm):
    workstream = forms.ChoiceField(label="Workstream")
    name = forms.CharField(label="Milestone", max_length=300)
    due = forms.DateField(label="Due", input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    done = forms.DateField(
        label="Done",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Leave blank until it is met",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("workstream") and self.workstream_obj() is None:
            self.add_error("workstream", "Choose a workstream of this organisation")
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "workstream": self.workstream_obj(),
            "name": d["name"].strip(),
            "due": d["due"],
            "done": d["done"],
        }


def errors_of(form: forms.Form) -> list[dict[str, str]]:
    """The form's errors for the error summary, each linking to its field."""
    out = []
    for field, errs in form.errors.items():
        for e in errs:
            label = form.fields[field].label if field in form.fields else ""
            text = e if field == "__all__" or str(e)[:1].isupper() else f"{label}: {e}"
            out.append({"text": str(text), "href": f"#{field}" if field != "__all__" else "#"})
    return out
