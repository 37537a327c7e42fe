"""What goal rows show, on the goals' pages and the attention page: the goals analysis' findings
as texts in the report's language.

Numbers are formatted per unit (money, counts, scores, percentages, points),
problems translated with their values, and the progress bar's geometry worked
out, so the templates only place what they get.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Callable

from relatierapport.render.charts import Progress
from relatierapport.render.labels import N_, SEGMENT_NAMES

STATUS_NAMES = {"on_track": N_("on course"), "behind": N_("behind"), "achieved": N_("achieved"),
                "not_achieved": N_("not achieved"), "not_started": N_("not started yet"),
                "within_limit": N_("within the limit"), "outside_limit": N_("outside the limit")}
#: The existing status colours: green done or on course, amber behind, red missed.
STATUS_BANDS = {"on_track": "green", "achieved": "green", "behind": "amber", "not_achieved": "red",
                "within_limit": "green", "outside_limit": "red", "not_started": "unknown",
                None: "unknown"}
#: A goal bar's colour follows its status; one without a verdict yet is drawn neutral.
BAR_TONES = {status: band for status, band in STATUS_BANDS.items() if band != "unknown"}
CRITERION_NAMES = {"specific": N_("Specific"), "measurable": N_("Measurable"),
                   "acceptable": N_("Acceptable"), "realistic": N_("Realistic"),
                   "time_bound": N_("Time-bound")}
#: The method's three aims, as the portfolio names them.
AIM_NAMES = {"extend": N_("Extend (keep relations longer)"), "expand": N_("Expand (more spend)"),
             "improve": N_("Improve (better operations)"), "none": N_("None of the three")}
#: Projection methods: a short name per goal, explained once under the table.
METHOD_NAMES = {"linear_total": N_("linear"), "pace_held": N_("pace held"),
                "change_held": N_("change held"), "level_held": N_("level held")}
METHOD_TEXTS = {
    "linear_total": N_("the total so far ÷ the elapsed share of the period"),
    "pace_held": N_("the growth so far against the same part of the baseline period, held to the end"),
    "change_held": N_("the change so far, held to the end (a change does not build up over the period)"),
    "level_held": N_("the level so far, held to the end (a level does not build up over the period)"),
}
#: A limit's target as it reads: "at least -25,0%".
LIMIT_WORDS = {"at_least": N_("at least %(limit)s"), "at_most": N_("at most %(limit)s")}
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

    def aims(self, aims: dict) -> list[dict]:
        """The goals per aim (those with goals): how many are on course or met, behind or missed,
        and not judged yet."""
        good, bad = ("on_track", "achieved", "within_limit"), ("behind", "not_achieved", "outside_limit")
        shown = []
        for aim, found in aims.items():
            if not found["goals"]:
                continue
            statuses = found["statuses"]
            shown.append({"aim": aim, "name": _data(self._, AIM_NAMES[aim]), "goals": found["goals"],
                          "good": sum(statuses[s] for s in good), "bad": sum(statuses[s] for s in bad),
                          "open": statuses["not_started"] + statuses["unknown"]})
        return shown

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

    @staticmethod
    def _signed(row: dict) -> bool:
        """A growth or change in percent or points shows its sign (+3,0)."""
        return row["unit"] in ("percent", "points") and row["aggregate"] in ("growth", "change")

    def target(self, row: dict) -> str:
        """The target as it reads: "+10,0%", or for a limit "at least -25,0%"."""
        target = self.value(row["target"], row["unit"], self._signed(row))
        if row.get("kind") == "limit" and row.get("limit"):
            target = _data(self._, LIMIT_WORDS[row["limit"]]) % {"limit": target}
        return target

    def row(self, row: dict) -> dict:
        _ = self._
        unit, status, kind = row["unit"], row["status"], row.get("kind")
        signed = self._signed(row)
        elapsed = row["elapsed"]["share"] if row["elapsed"] else None
        progress = row.get("progress")
        shown = {
            "id": row["id"], "scope": self.scope(row), "metric": self.metric(row),
            "owner": row["owner_name"] or row["owner"] or "–",
            "period": (f"{self.f['date'](row['start'], 'medium')} – {self.f['date'](row['end'], 'medium')}"
                       if row["start"] and row["end"] else
                       self.f["date"](row["start"] or row["end"], "medium")
                       if row["start"] or row["end"] else "–"),
            "baseline": self.value(row["baseline"], unit, signed),
            "target": self.target(row), "kind": kind,
            "actual": self.value(row["actual"], unit, signed),
            "status": status, "band": STATUS_BANDS[status],
            "status_text": _data(_, STATUS_NAMES[status]) if status else _("unknown"),
            "unknown": row["unknown"] and self._reason(row),
            "elapsed": elapsed, "progress": progress, "expected": row.get("expected_progress"),
            "progress_text": self.progress_text(row),
            "words": self.words(row), "left_out": self.left_out(row),
            "bar": (Progress(max(progress, 0.0), row.get("expected_progress"),
                             tone=BAR_TONES.get(status, "accent"))
                    if progress is not None and kind != "limit" and status != "not_started" else None),
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

    def progress_text(self, row: dict) -> str | None:
        """The progress in words: how far from baseline to target, and against what."""
        _, progress, kind = self._, row.get("progress"), row.get("kind")
        if kind == "limit" and row.get("margin") is not None:
            margin = self.value(abs(row["margin"]), row["unit"])
            if row["margin"] >= 0:
                return _("%(margin)s of room to the limit") % {"margin": margin}
            return _("%(margin)s past the limit") % {"margin": margin}
        if progress is None or row["status"] in (None, "not_started"):
            return None
        percent = self.f["percent"](progress, 0)
        if row.get("expected_progress") is not None:
            text = _("progress %(progress)s · %(elapsed)s of the period passed") % {
                "progress": percent, "elapsed": self.f["percent"](row["expected_progress"], 0)}
        elif kind == "flow":
            text = _("progress %(progress)s of the target") % {"progress": percent}
        else:
            text = _("progress %(progress)s of the way from baseline to target") % {"progress": percent}
        if row.get("direction") == "away":
            text += " " + _("(moving away from the target)")
        if row.get("reached_so_far"):
            text += "; " + _("target reached so far, but a credit note can still pull the total under it")
        return text

    def words(self, row: dict) -> str | None:
        """What the figures are, in a sentence: "€ 92.386 so far of € 103.500; € 86.487 expected
        by now"."""
        _, aggregate, so_far = self._, row["aggregate"], row.get("so_far")
        if so_far is None or row["actual"] is None:
            return None
        unit = row["unit"]
        metric = self.metrics.get(row["metric"]) or {}
        value_unit = metric.get("value_unit") or unit
        elapsed = row["elapsed"]
        share = elapsed["days"] / elapsed["of_days"] if elapsed else 1.0    # 1 once ended
        target, base = row["target"], row["baseline_period"] or {}
        if aggregate == "sum":
            text = _("%(actual)s so far of %(target)s") % {"actual": self.value(row["actual"], unit),
                                                          "target": self.value(target, unit)}
            if row.get("expected_progress") is not None:
                text += "; " + _("%(expected)s expected by now") % {
                    "expected": self.value(target * row["expected_progress"], unit)}
            return text
        if aggregate == "retention":
            of = base.get("level")
            if not of:
                return None
            return _("%(retained)s of the %(base)s relations of the baseline period are back "
                     "(%(actual)s); %(target)s needs %(needed)s") % {
                "retained": so_far["retained"], "base": self.value(of, "count"),
                "actual": self.value(row["actual"], unit), "target": self.value(target, unit),
                "needed": math.ceil(round(target / 100 * of, 6))}
        if aggregate == "growth" and base.get("level"):
            same_part = base["level"] * share
            text = (_("%(so_far)s so far against %(base)s in the same part of the baseline period "
                      "(%(actual)s); the limit lies at %(needed)s") if row.get("kind") == "limit" else
                    _("%(so_far)s so far against %(base)s in the same part of the baseline period "
                      "(%(actual)s); %(target)s needs %(needed)s"))
            return text % {
                "so_far": self.value(so_far["total"], value_unit),
                "base": self.value(same_part, value_unit),
                "actual": self.value(row["actual"], unit, True),
                "target": self.value(target, unit, True),
                "needed": self.value(same_part * (1 + target / 100), value_unit)}
        if aggregate == "change" and base.get("level") is not None and so_far["count"]:
            return _("mean so far %(mean)s against %(base)s in the baseline period (%(actual)s); "
                     "%(target)s needs %(needed)s") % {
                "mean": self.value(so_far["total"] / so_far["count"], value_unit),
                "base": self.value(base["level"], value_unit),
                "actual": self.value(row["actual"], unit, True),
                "target": self.value(target, unit, True),
                "needed": self.value(base["level"] + target, value_unit)}
        if aggregate == "mean":
            return _("mean so far %(actual)s over %(count)s values; baseline %(baseline)s, target "
                     "%(target)s") % {"actual": self.value(row["actual"], unit),
                                      "count": so_far["count"],
                                      "baseline": self.value(row["baseline"], unit),
                                      "target": self.value(target, unit)}
        return None

    def left_out(self, row: dict) -> str | None:
        """Rows without a value (a won record without an amount) are left out, and the row says so."""
        so_far, base = row.get("so_far") or {}, row.get("baseline_period") or {}
        now, before = so_far.get("without_value") or 0, base.get("without_value") or 0
        if not now and not before:
            return None
        return self._("records without a value left out: %(now)s in the period, %(base)s in the "
                      "baseline period") % {"now": now, "base": before}

    def brief(self, row: dict) -> str | None:
        """One goal on the first page: a flow against the time passed, a level or change against
        its target, a limit against its bound."""
        _, kind = self._, row.get("kind")
        if row["actual"] is None:
            return None
        actual, target = self.value(row["actual"], row["unit"], self._signed(row)), self.target(row)
        if kind == "limit":
            return target + ": " + _("now %(actual)s") % {"actual": actual}
        if kind == "flow" and row.get("progress") is not None and row.get("expected_progress") is not None:
            return _("%(progress)s of %(expected)s expected by now") % {
                "progress": self.f["percent"](row["progress"], 0),
                "expected": self.f["percent"](row["expected_progress"], 0)}
        return _("now %(actual)s, target %(target)s") % {"actual": actual, "target": target}

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
