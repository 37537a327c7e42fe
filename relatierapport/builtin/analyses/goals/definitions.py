"""A goal's definition read and checked: its metric, scope, period and windows, and what is
not SMART about it.

Goals come from config.toml (``[[goals]]``) and from goals tables, the same
``Goal`` record either way; scope and metric may be written in Dutch too.
Every problem is a dict with the SMART criterion it fails, the English text
and the message with its values, so the pages can translate it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from relatierapport.dates import add_months
from relatierapport.errors import Problem
from relatierapport.render.labels import N_

CRITERIA = ("specific", "measurable", "acceptable", "realistic", "time_bound")
SCOPE_KINDS = ("portfolio", "category", "segment", "relation", "owner")
#: Words users write for a scope kind (the kind itself always counts).
SCOPE_WORDS = {
    "portfolio": ("portefeuille", "alle", "all", "totaal"),
    "category": ("categorie", "cat"),
    "segment": (),
    "relation": ("relatie", "klant"),
    "owner": ("eigenaar", "accountmanager", "medewerker", "employee"),
}
SEGMENT_WORDS = {"invest": ("investeer", "investeren"), "develop": ("ontwikkel", "ontwikkelen"),
                 "harvest": ("oogst", "oogsten"), "ignore": ("negeer", "negeren")}
CATEGORIES = ("A", "B", "C")
#: Words for a limit (``limit`` in a goal): a floor or a ceiling.
LIMIT_WORDS = {"at_least": ("minimaal", "minimum", "ten minste", "tenminste", "ondergrens", "floor",
                            "at least", "min"),
               "at_most": ("maximaal", "maximum", "hoogstens", "ten hoogste", "bovengrens", "ceiling",
                           "at most", "max")}
#: The method's three aims ("de drie V's") and the words users write for them.
AIM_WORDS = {"extend": ("verlengen", "verleng", "behoud", "retention", "langer"),
             "expand": ("verhogen", "verhoog", "intensiveren", "intensivering", "meer", "grow"),
             "improve": ("verbeteren", "verbeter", "optimaliseren", "optimalisatie", "optimise",
                         "optimize")}
AIMS = tuple(AIM_WORDS)
#: The first day the data could hold: a window from here counts everything up to the report date.
EVER = dt.date(1, 1, 1)

NO_METRIC = N_("no metric named")
UNKNOWN_METRIC = N_("unknown metric %(metric)s (known: %(known)s)")
NO_TARGET = N_("no target value")
BAD_SCOPE = N_("scope %(scope)s is not portfolio, category:X, segment:X, relation:<id> or owner:<id>")
BAD_CATEGORY = N_("category %(value)s is not A, B or C")
BAD_SEGMENT = N_("segment %(value)s is not invest, develop, harvest or ignore")
NO_RELATION = N_("no relation has the id %(value)s")
NO_EMPLOYEE = N_("no employee has the id %(value)s")
NO_SEGMENTS = N_("segment scopes need the segmentation analysis, which is not loaded")
EMPTY_SCOPE = N_("no relation in scope")
NO_SCOPE_VALUES = N_("no %(metric)s values for the relations in scope")
NO_OWNER = N_("no owner")
OWNER_UNKNOWN = N_("owner %(owner)s is not an employee")
NO_START = N_("no start date")
NO_END = N_("no end date")
END_BEFORE_START = N_("the end date lies before the start date")
AMBITIOUS = N_("ambitious: the trend gives %(expected)s, the target asks %(target)s")
BEYOND_BOUNDS = N_("out of reach: the target asks %(wanted)s, which the metric cannot reach (its "
                   "scale ends at %(bound)s)")
DUPLICATE = N_("goal id %(id)s is used again (first at %(first)s)")
#: A change or level target on the worse side of its start is read as a limit, and says so.
READ_AS_LIMIT = {"at_least": N_("read as a limit of at least %(target)s: a target below where the "
                                "goal starts bounds a loss (set limit to say so)"),
                 "at_most": N_("read as a limit of at most %(target)s: a target above where the "
                               "goal starts bounds a rise (set limit to say so)")}
BAD_LIMIT = N_("limit %(value)s is not at_least (minimaal) or at_most (maximaal)")
BAD_AIM = N_("aim %(value)s is not extend (verlengen), expand (verhogen) or improve (verbeteren)")


def _key(word: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", word.strip().lower())


def metric_lookup(metrics) -> dict[str, object]:
    """Every name and alias (lowercased, separators squeezed) -> its metric; names win over
    aliases, and the first plugin's alias wins over a later one's."""
    lookup = {}
    for metric in metrics:
        for word in metric.aliases:
            lookup.setdefault(_key(word), metric)
    lookup.update({_key(metric.name): metric for metric in metrics})
    return lookup


_SCOPE_LOOKUP = {_key(word): kind for kind, words in SCOPE_WORDS.items() for word in (kind, *words)}
_LIMIT_LOOKUP = {_key(word): code for code, words in LIMIT_WORDS.items() for word in (code, *words)}
_AIM_LOOKUP = {_key(word): code for code, words in AIM_WORDS.items() for word in (code, *words)}
_SEGMENT_LOOKUP = {_key(word): seg for seg, words in SEGMENT_WORDS.items() for word in (seg, *words)}


def parse_scope(text: str | None) -> tuple[str, str | None] | None:
    """``category:A`` -> ("category", "A"); ``portefeuille`` -> ("portfolio", None); None if unreadable."""
    text = (text or "portfolio").strip()
    kind_word, sep, value = text.partition(":")
    kind = _SCOPE_LOOKUP.get(_key(kind_word))
    if kind is None:
        return None
    value = value.strip()
    if kind == "portfolio":
        return (kind, None) if not value else None
    if not sep or not value:
        return None
    if kind == "category":
        value = value.upper()
    elif kind == "segment":
        value = _SEGMENT_LOOKUP.get(_key(value), value)
    return kind, value


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length right before: whole months stay whole months (2026 -> 2025,
    Q2 -> Q1), other periods step back their number of days."""
    after = end + dt.timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        return add_months(start, -months), start - dt.timedelta(days=1)
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


@dataclass
class Tracked:
    """One goal on its way through the analysis."""

    goal: object
    metric: object = None
    scope: tuple[str, str | None] | None = None
    phase: str | None = None
    elapsed: dict | None = None
    windows: dict = field(default_factory=dict)      # role -> (from, to)
    problems: list[dict] = field(default_factory=list)
    notes: dict = field(default_factory=dict)        # criterion -> problem dict (SMART)
    limit: str | None = None                         # at_least | at_most
    aim: str | None = None                           # extend | expand | improve
    aim_source: str | None = None                    # goal | metric


def smart_problem(criterion: str, message: str, **params) -> dict:
    """A SMART problem: the English text, and the message and its values for the report to translate."""
    text = message % {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()}
    return {"criterion": criterion, "message": message, "params": params, "text": text}


def define(goal, metrics: dict, employees: dict, relations: dict, segments_loaded: bool,
           as_of: dt.date, history: int) -> Tracked:
    """The goal's metric, scope, period and windows, with every SMART problem found on the way."""
    tracked = Tracked(goal)
    add = tracked.problems.append
    if not goal.metric:
        add(smart_problem("specific", NO_METRIC))
    else:
        tracked.metric = metrics.get(_key(goal.metric))
        if tracked.metric is None:
            known = ", ".join(sorted({m.name for m in metrics.values()}))
            add(smart_problem("measurable", UNKNOWN_METRIC, metric=goal.metric, known=known))
    tracked.scope = parse_scope(goal.scope)
    if tracked.scope is None:
        add(smart_problem("specific", BAD_SCOPE, scope=goal.scope))
    else:
        kind, value = tracked.scope
        if kind == "category" and value not in CATEGORIES:
            add(smart_problem("specific", BAD_CATEGORY, value=value))
        elif kind == "segment" and value not in SEGMENT_WORDS:
            add(smart_problem("specific", BAD_SEGMENT, value=value))
        elif kind == "segment" and not segments_loaded:
            add(smart_problem("measurable", NO_SEGMENTS))
        elif kind == "relation" and value not in relations:
            add(smart_problem("specific", NO_RELATION, value=value))
        elif kind == "owner" and employees and value not in employees:
            add(smart_problem("specific", NO_EMPLOYEE, value=value))
    if goal.target is None:
        add(smart_problem("measurable", NO_TARGET))
    if goal.limit:
        tracked.limit = _LIMIT_LOOKUP.get(_key(goal.limit))
        if tracked.limit is None:
            add(smart_problem("specific", BAD_LIMIT, value=goal.limit))
    if goal.aim:
        tracked.aim, tracked.aim_source = _AIM_LOOKUP.get(_key(goal.aim)), "goal"
        if tracked.aim is None:     # a note: the goal is measured all the same
            tracked.notes["aim"] = smart_problem("specific", BAD_AIM, value=goal.aim)
    elif tracked.metric is not None and getattr(tracked.metric, "aim", None) in AIMS:
        tracked.aim, tracked.aim_source = tracked.metric.aim, "metric"
    if not goal.owner:
        add(smart_problem("acceptable", NO_OWNER))
    elif employees and goal.owner not in employees:
        add(smart_problem("acceptable", OWNER_UNKNOWN, owner=goal.owner))
    if goal.start is None:
        add(smart_problem("time_bound", NO_START))
    if goal.end is None:
        add(smart_problem("time_bound", NO_END))
    if goal.start and goal.end and goal.end < goal.start:
        add(smart_problem("time_bound", END_BEFORE_START))
    if any(p["criterion"] == "time_bound" for p in tracked.problems):
        return tracked
    start, end = goal.start, goal.end
    days = (end - start).days + 1
    if as_of < start:
        tracked.phase, done = "not_started", 0
    elif as_of >= end:
        tracked.phase, done = "ended", days
    else:
        tracked.phase, done = "running", (as_of - start).days + 1
    tracked.elapsed = {"days": done, "of_days": days, "share": round(done / days, 4)}
    if tracked.phase != "not_started":
        tracked.windows["now"] = (start, min(end, as_of))
    period = (start, end)
    for number in range(1, history + 1):
        period = previous_period(*period)
        tracked.windows[f"h{number}"] = period
    tracked.windows["base"] = ((goal.baseline_start, goal.baseline_end) if goal.baseline_start
                               else tracked.windows["h1"])
    tracked.windows["ever"] = (EVER, as_of)
    return tracked


def failed(item: Tracked, criterion: str) -> bool:
    return any(p["criterion"] == criterion for p in item.problems)


def scope_usable(item: Tracked) -> bool:
    return item.scope is not None and not failed(item, "specific")


#: The goal field a problem is about, for its warning (the metric, unless named here).
PROBLEM_FIELDS = {NO_TARGET: "target", EMPTY_SCOPE: "scope", NO_SEGMENTS: "scope", BAD_SCOPE: "scope",
                  BAD_CATEGORY: "scope", BAD_SEGMENT: "scope", NO_RELATION: "scope",
                  NO_EMPLOYEE: "scope", DUPLICATE: "id", BAD_LIMIT: "limit", BAD_AIM: "aim",
                  **{message: "target" for message in READ_AS_LIMIT.values()}}
#: Messages that say how a goal was read rather than what is wrong with it.
NOTES = (BAD_AIM, *READ_AS_LIMIT.values())


def located(goal, problem: dict) -> Problem:
    """A warning at the goal's place in config.toml or its table: ``data/doelen.csv:4: metric: goal
    D03 cannot be measured: …``."""
    source, _, location = goal.origin.rpartition(":")
    what = " is not specific" if problem["criterion"] == "specific" else " cannot be measured"
    if problem["message"] == DUPLICATE:
        what = " is left out"
    elif problem["message"] in NOTES:
        what = ""
    return Problem(source or goal.origin, f"goal {goal.id}{what}: {problem['text']}", location,
                   PROBLEM_FIELDS.get(problem["message"], "metric"))
