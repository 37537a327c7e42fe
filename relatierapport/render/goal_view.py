"""What goal rows show, on the goals' pages and the attention page: the goals analysis' findings
as texts in the report's language.

Numbers are formatted per unit (money, counts, scores, percentages, points),
problems translated with their values, and the progress bar's geometry worked
out, so the templates only place what they get.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from relatierapport.render.charts import Progress
from relatierapport.render.labels import N_, SEGMENT_NAMES

STATUS_NAMES = {"on_track": N_("on course"), "behind": N_("behind"), "achieved": N_("achieved"),
                "not_achieved": N_("not achieved"), "not_started": N_("not started yet")}
#: The existing status colours: green done or on course, amber behind, red missed.
STATUS_BANDS = {"on_track": "green", "achieved": "green", "behind": "amber", "not_achieved": "red",
                "not_started": "unknown", None: "unknown"}
#: A goal bar's colour follows its status; one without a verdict yet is drawn neutral.
BAR_TONES = {status: band for status, band in STATUS_BANDS.items() if band != "unknown"}
CRITERION_NAMES = {"specific": N_("Specific"), "measurable": N_("Measurable"),
                   "acceptable": N_("Acceptable"), "realistic": N_("Realistic"),
                   "time_bound": N_("Time-bound")}
#: Projection methods: a short name per goal, explained once under the table.
METHOD_NAMES = {"linear_total": N_("linear"), "linear_pace": N_("pace"),
                "linear_change": N_("linear change"), "level_held": N_("level held")}
METHOD_TEXTS = {
    "linear_total": N_("the total so far ÷ the elapsed share of the period"),
    "linear_pace": N_("the pace so far against the baseline period, held to the end"),
    "linear_change": N_("the baseline plus the change so far ÷ the elapsed share of the period"),
    "level_held": N_("the level so far, held to the end (no baseline known)"),
}
SCOPE_TEXTS = {"portfolio": N_("Whole portfolio"), "category": N_("Category %(value)s"),
               "segment": N_("Segment %(value)s"), "relation": N_("Relation %(value)s"),
               "owner": N_("Relations of %(value)s")}


def _data(translate: Callable[[str], str], text: str) -> str:
    """Translate a text held in a variable (the message extractor only sees literals)."""
    return translate(text)


class GoalView:
    """Formats goals for one report: ``rows(goals)`` gives what the goal templates show."""

    def __init__(self, translate: Callable[[str], str], filters: dict, relations: dict,
                 employees: dict, metrics: dict):
        self._, self.f = translate, filters
        self.relations, self.employees, self.metrics = relations, employees, metrics

    def value(self, value, unit: str | None, signed: bool = False) -> str:
        """A metric value as its unit reads: € 94.100, 12, 7,8, 10,0%, +3,0."""
        if value is None:
            return "–"
        if unit == "money":
            text = self.f["money"](value)
            return f"+{text}" if signed and value > 0 else text
        digits = 0 if unit == "count" and float(value).is_integer() else 1
        text = self.f["change" if signed else "number"](value, digits)
        return text + "%" if unit == "percent" else text

    def _param(self, value) -> str:
        if isinstance(value, dt.date):
            return self.f["date"](value, "medium")
        if isinstance(value, float):
            return self.f["number"](value, 1)
        return str(value)

    def problem(self, problem: dict) -> str:
        params = {key: self._param(value) for key, value in problem["params"].items()}
        metric = self.metrics.get(problem["params"].get("metric"))
        if metric and metric["description"]:          # the metric as the report names it
            params["metric"] = _data(self._, metric["description"]).lower()
        return _data(self._, problem["message"]) % params

    def methods(self, rows: list[dict]) -> list[dict]:
        """The projection methods the shown goals (``row`` results) use, each with what it does."""
        used = sorted({row["projection"]["code"] for row in rows if row["projection"]})
        return [{"name": _data(self._, METHOD_NAMES[m]), "text": _data(self._, METHOD_TEXTS[m])}
                for m in used]

    def scope(self, row: dict) -> str:
        kind, value = row["scope_kind"], row["scope_value"]
        if kind is None:
            return row["scope"] or "–"
        if kind == "segment" and value in SEGMENT_NAMES:
            value = _data(self._, SEGMENT_NAMES[value])
        elif kind == "relation" and value in self.relations:
            value = self.relations[value].name
        elif kind == "owner" and value in self.employees:
            value = self.employees[value].name
        return _data(self._, SCOPE_TEXTS[kind]) % {"value": value}

    def metric(self, row: dict) -> str:
        metric = self.metrics.get(row["metric"])
        return _data(self._, metric["description"]) if metric and metric["description"] else (
            row["metric"] or "–")

    def row(self, row: dict) -> dict:
        _ = self._
        unit, status = row["unit"], row["status"]
        signed = unit in ("percent", "points") and row["aggregate"] in ("growth", "change")
        elapsed = row["elapsed"]["share"] if row["elapsed"] else None
        shown = {
            "id": row["id"], "scope": self.scope(row), "metric": self.metric(row),
            "owner": row["owner_name"] or row["owner"] or "–",
            "period": (f"{self.f['date'](row['start'], 'medium')} – {self.f['date'](row['end'], 'medium')}"
                       if row["start"] and row["end"] else
                       self.f["date"](row["start"] or row["end"], "medium")
                       if row["start"] or row["end"] else "–"),
            "baseline": self.value(row["baseline"], unit, signed),
            "target": self.value(row["target"], unit, signed),
            "actual": self.value(row["actual"], unit, signed),
            "status": status, "band": STATUS_BANDS[status],
            "status_text": _data(_, STATUS_NAMES[status]) if status else _("unknown"),
            "unknown": row["unknown"] and self._reason(row),
            "elapsed": elapsed, "achieved": row["achieved_share"],
            "bar": (Progress(row["achieved_share"], elapsed, tone=BAR_TONES.get(status, "accent"))
                    if elapsed and row["achieved_share"] is not None else None),
            "projection": None, "evaluation": None,
            "smart": self.smart(row),
        }
        if row["projection"]:
            code = row["projection"]["method"]
            shown["projection"] = {"value": self.value(row["projection"]["value"], unit, signed),
                                   "method": _data(_, METHOD_NAMES[code]), "code": code}
        if row["evaluation"]:
            evaluation = row["evaluation"]
            difference = self.value(evaluation["difference"], unit, signed=True)
            if evaluation["relative"] is not None:
                difference += f" ({self.f['percent'](evaluation['relative'], 0)})"
            shown["evaluation"] = difference
        return shown

    def _reason(self, row: dict) -> str:
        """Why there is no status: the first problem, translated, or the analysis' reason."""
        for problem in row["problems"]:
            if problem["text"] == row["unknown"]:
                return self.problem(problem)
        return _data(self._, row["unknown"])

    def smart(self, row: dict) -> list[dict]:
        """The five criteria: ok, a warning (ambitious, or not judged) or the problems."""
        checks = []
        for criterion, name in CRITERION_NAMES.items():
            problems = [self.problem(p) for p in row["problems"] if p["criterion"] == criterion]
            if criterion == "realistic":
                level = row["smart"]["realistic"]
                state = {"realistic": "ok", "ambitious": "warning"}.get(level, "unknown")
                if state == "unknown" and row["realistic"]["unknown"]:
                    problems = [self._reason({**row, "unknown": row["realistic"]["unknown"]})]
            else:
                state = "ok" if row["smart"][criterion] else "problem"
            checks.append({"criterion": criterion, "name": _data(self._, name), "state": state,
                           "notes": problems})
        return checks
