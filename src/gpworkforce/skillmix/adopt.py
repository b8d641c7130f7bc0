"""A skill-mix optimisation result as the additions a forecast scenario can carry (decision 0090).

The HEE linear arithmetic (LLR plan Tables 11-14) counts GPs and, through a flat ratio, other
staff as GP substitutes. The cheapest mix becomes:

    GP WTE added          = GP roles recruited + upskilled into GP roles     (one line for GPs
                            recruited outside the training pipeline: "international recruits")
    substitutes (by role) = other roles recruited + upskilled into them - upskilled out of them
    staff per GP          = substitute WTE / their GP-equivalent WTE, where one WTE of role k at
                            level l is worth  h_k / h x sum_t x_t,l (m_t,A - s_t,l) / sum_t x_t,l m_t,l
                            GP WTE (the tasks x the result gives level l, their minutes m at l and
                            at the Autonomous level A, the supervision s they cost; h_k the role's
                            productive hours, h a standard WTE's): the flat ratio of docs/skillmix.md
                            ("The flat ratio as a special case") with the result's own task mix.

Workload release and locum conversion have no line in that arithmetic: they are stated, not added.
Pure: a solution, its problem and catalogue in, an :class:`Adoption` out.
"""

from __future__ import annotations

from dataclasses import dataclass

from gpworkforce.domain.taxonomy import SkillLevel, Taxonomy
from gpworkforce.skillmix.catalogue import Catalogue
from gpworkforce.skillmix.optimise import Solution
from gpworkforce.skillmix.problem import Problem

SMALL = 1e-6


def gp_roles(catalogue: Catalogue, taxonomy: Taxonomy) -> frozenset[str]:
    """Roles counted towards the GP target (partners, salaried, retainers, locums)."""
    return frozenset(
        code
        for code in catalogue.roles
        if any(leaf.gp_target for leaf in taxonomy.leaves.values() if leaf.role == code)
    )


@dataclass(frozen=True, slots=True)
class Adoption:
    gp_wte: float
    substitutes: tuple[tuple[str, float], ...]  # (role code, WTE added), other roles
    staff_per_gp: float | None  # None: the substitutes do no task a GP could do
    released_gp_wte: float  # GP time released by workload release, as GP WTE
    locums_converted: float
    reduced: tuple[tuple[str, float], ...]  # (role code, WTE) fewer: upskilled into another role
    notes: tuple[str, ...]

    @property
    def gp_equivalent(self) -> float:
        total = sum(w for _, w in self.substitutes)
        return total / self.staff_per_gp if self.staff_per_gp else 0.0


def net_additions(solution: Solution, problem: Problem) -> dict[str, float]:
    """WTE added (or, negative, taken away) at each role by recruitment and upskilling."""
    out: dict[str, float] = {}
    for code, wte in solution.recruits.items():
        out[code] = out.get(code, 0.0) + wte
    for key, wte in solution.upskills.items():
        path = problem.upskill[key]
        out[path.to_role] = out.get(path.to_role, 0.0) + wte
        out[path.from_role] = out.get(path.from_role, 0.0) - wte
    return {code: wte for code, wte in out.items() if abs(wte) > SMALL}


def gp_equivalent_per_hour(solution: Solution, catalogue: Catalogue) -> dict[SkillLevel, float]:
    """GP hours one hour at each level replaces on the tasks the result gives that level (net of
    the supervision those tasks cost); levels with no task a GP could do are left out."""
    out: dict[SkillLevel, float] = {}
    for level in (lv.code for lv in catalogue.levels):
        if level is SkillLevel.AUTONOMOUS:
            out[level] = 1.0
            continue
        saved = used = 0.0
        for task in catalogue.tasks:
            done = solution.allocation.get(task.key, {}).get(level, 0.0)
            gp_minutes = task.minutes.get(SkillLevel.AUTONOMOUS)
            if done <= SMALL or gp_minutes is None or level not in task.minutes:
                continue
            saved += done * (gp_minutes - task.supervision.get(level, 0.0))
            used += done * task.minutes[level]
        if used > 0:
            out[level] = max(saved / used, 0.0)
    return out


def adoption(
    solution: Solution, problem: Problem, catalogue: Catalogue, taxonomy: Taxonomy
) -> Adoption:
    gps = gp_roles(catalogue, taxonomy)
    net = net_additions(solution, problem)
    per_hour = gp_equivalent_per_hour(solution, catalogue)
    standard = catalogue.productive_hours
    gp_wte = sum(w for code, w in net.items() if code in gps)
    substitutes: list[tuple[str, float]] = []
    equivalent = 0.0
    notes: list[str] = []
    for code, wte in sorted(net.items()):
        if code in gps or wte <= 0:
            continue
        role = catalogue.roles[code]
        ratio = per_hour.get(role.level)
        if ratio is None or ratio <= 0 or role.productive_hours <= 0:
            notes.append(
                f"{wte:,.1f} WTE {role.name} added do no task a GP could do in this result: not"
                " counted as GP substitutes."
            )
            continue
        substitutes.append((code, wte))
        equivalent += wte * role.productive_hours / standard * ratio
    total = sum(w for _, w in substitutes)
    staff_per_gp = total / equivalent if equivalent > 0 else None
    released = sum(
        wte * problem.release[key].hours_per_gp_wte / standard
        for key, wte in solution.releases.items()
    )
    reduced = tuple((c, -w) for c, w in sorted(net.items()) if w < 0 and c not in gps)
    if released > SMALL:
        notes.append(
            f"Workload release frees the time of {released:,.1f} GP WTE: the HEE arithmetic has no"
            " line for it, so the scenario does not count it."
        )
    if solution.locums_converted > SMALL:
        notes.append(
            f"{solution.locums_converted:,.1f} locum WTE move to salaried contracts: the same"
            " capacity at a lower cost, so the scenario's supply does not change."
        )
    for code, wte in reduced:
        notes.append(
            f"{wte:,.1f} WTE {catalogue.roles[code].name} train into another role: that many"
            " fewer in their own role, which the scenario does not count."
        )
    return Adoption(
        gp_wte=gp_wte,
        substitutes=tuple(substitutes),
        staff_per_gp=staff_per_gp,
        released_gp_wte=released,
        locums_converted=solution.locums_converted,
        reduced=reduced,
        notes=tuple(notes),
    )
