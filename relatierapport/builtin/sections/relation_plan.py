"""Built-in plugin ``relation_plan``: the plan part of a relation plan, and its first lines.

Two sections on every relation plan:

``overview`` (first)
    Who the relation is (category, segment, customer type, lifecycle phase),
    its health with the reasons behind the colour, its planned touchpoint with
    length and agenda (and the cadence's due date when that differs), and the points that need attention now (overdue,
    never contacted, red or turning red, open complaints, red flags,
    opportunities). Read from the other analyses' findings; a part whose
    analysis is disabled is left out.
``approach``
    The method's plan texts for the relation's role and category: actions
    per stage of an assignment (before, during, after, ongoing), value-add
    activities, referral moments and campaigns, channels (per segment) and
    the budget (the planned touchpoints' hours and their cost, an optional
    money budget per category, and last year's won revenue as the return to
    expect).

The plan texts are options, so users adapt them to their trade; the
built-in texts are English message ids translated in the report, a user's own
texts are shown as written. Nothing here is an analysis: the findings in
report.json are unchanged.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.hooktypes import Section
from relatierapport.render.labels import N_
from relatierapport.render.owner_names import account_manager
from relatierapport.options import ListOf, Number, Option, OptionGroup, Table, Text

NAME = "relation_plan"
CATEGORIES = ("A", "B", "C")
STAGES = ("before", "during", "after", "ongoing")
SEGMENTS = ("invest", "develop", "harvest", "ignore")
DEFAULT_ROLE = "default"

STAGE_NAMES = {"before": N_("Before an assignment"), "during": N_("During an assignment"),
               "after": N_("After an assignment"), "ongoing": N_("Ongoing")}

_CLIENT_ACTIONS = {
    "before": {"A": [N_("Send a quote within 3 working days")],
               "B": [N_("Send a quote within a week")],
               "C": [N_("Send a quote within two weeks")]},
    "during": {"A": [N_("Raise satisfaction by 3 points")],
               "B": [N_("Raise satisfaction by 1 point")],
               "C": []},
    "after": {"A": [N_("Full evaluation")], "B": [N_("Short evaluation")], "C": []},
    "ongoing": {"A": [N_("Personal contact 4 times a year")],
                "B": [N_("Personal contact twice a year")],
                "C": [N_("Contact only when there is new work")]},
}
#: Actions per role, stage of an assignment and category (domain.md section 5).
ACTIONS = {
    "client": _CLIENT_ACTIONS,
    "candidate": {
        "before": {"A": [N_("Propose suitable assignments within 3 working days")],
                   "B": [N_("Propose suitable assignments within a week")],
                   "C": [N_("Propose suitable assignments within two weeks")]},
        "during": {"A": [N_("Check in after the first week, then monthly")],
                   "B": [N_("Check in after the first month")],
                   "C": []},
        "after": {"A": [N_("Full evaluation and the next step in their career")],
                  "B": [N_("Short evaluation")], "C": []},
        "ongoing": {"A": [N_("Personal contact 4 times a year")],
                    "B": [N_("Personal contact twice a year")],
                    "C": [N_("Contact only when there is new work")]},
    },
    DEFAULT_ROLE: _CLIENT_ACTIONS,
}
VALUE_ADD = {
    "A": [N_("Market insight pack: salary benchmarks, trends, competitor moves, regulation"),
          N_("Introductions and invitations to events"), N_("Strategic advice")],
    "B": [N_("Market insight pack: salary benchmarks, trends, competitor moves, regulation"),
          N_("Invitations to events")],
    "C": [N_("Newsletter with market trends")],
}
REFERRAL_MOMENTS = {
    "client": [N_("After a successful placement"), N_("In growth talks"), N_("In seasonal check-ins")],
    "candidate": [N_("After a successful placement"), N_("In career talks")],
    DEFAULT_ROLE: [N_("After a successful assignment"), N_("In seasonal check-ins")],
}
CAMPAIGNS = {
    "A": [N_("Quarterly network mapping"), N_("Yearly appreciation event")],
    "B": [N_("Yearly appreciation event")],
    "C": [],
}
CHANNELS = {
    "invest": [N_("Personal visits by the account manager or management"),
               N_("Working together on projects")],
    "develop": [N_("Introductions through intermediaries"),
                N_("Visibility: publications, events, board seats")],
    "harvest": [N_("Phone"), N_("Mail and e-mail"), N_("Asking their opinion")],
    "ignore": [N_("Incidental mail or e-mail")],
    DEFAULT_ROLE: [N_("Phone"), N_("E-mail"), N_("Visits when there is work")],
}
BUDGET = {"A": 0.0, "B": 0.0, "C": 0.0}

#: Names of the health indicators and flags, for the reasons behind a colour.
INDICATOR_NAMES = {"response_time": N_("Response time"), "referrals": N_("Referral frequency"),
                   "repeat_business": N_("Repeat business"), "value_add": N_("Value-add activity"),
                   "cadence": N_("Cadence kept")}
FLAG_NAMES = {"no_response": N_("No response"), "competitor": N_("Competitor mentioned"),
              "rate_pressure": N_("Rate pressure"), "stakeholder_change": N_("Stakeholder change"),
              "exclusivity_lost": N_("Exclusivity lost"), "proactive": N_("Proactive outreach"),
              "referral": N_("Referral given to us"), "strategic": N_("Strategic involvement"),
              "first_call": N_("First call")}
BAND_NAMES = {"green": N_("green"), "amber": N_("amber"), "red": N_("red"),
              "insufficient": N_("too little data"), "unknown": N_("unknown")}


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("actions", Table(Table(Table(ListOf(Text()), keys=CATEGORIES), keys=STAGES)), ACTIONS,
               "Actions per role (client, candidate, any role of your data, or default for the "
               "others), stage of an assignment (before, during, after, ongoing) and category. "
               "What you give replaces that list; the rest keeps its default. The built-in texts are "
               "translated in the report; your own are shown as written."),
        Option("value_add", Table(ListOf(Text()), keys=CATEGORIES), VALUE_ADD,
               "Value-add activities per category (market insight, introductions, events, advice)."),
        Option("referral_moments", Table(ListOf(Text())), REFERRAL_MOMENTS,
               "Moments to ask for a referral, per role (or default)."),
        Option("campaigns", Table(ListOf(Text()), keys=CATEGORIES), CAMPAIGNS,
               "Referral and network campaigns per category."),
        Option("channels", Table(ListOf(Text()), keys=(*SEGMENTS, DEFAULT_ROLE)), CHANNELS,
               "Channels per segment of the attractiveness x accessibility matrix (default: for "
               "relations without a segment)."),
        Option("budget", Table(Number(minimum=0), keys=CATEGORIES), BUDGET,
               "Money per relation per year for activities (events, insight packs, gifts), per "
               "category, in euros; 0 leaves it out of the plan."),
    ), "The plan texts of every relation plan: actions per stage of an assignment, value-add, "
       "referral moments, channels and budget.")]


def plan_texts(options: dict) -> dict:
    """The options with every default filled in below what the user gave."""
    actions = {role: {stage: {**ACTIONS.get(role, ACTIONS[DEFAULT_ROLE]).get(stage, {}), **given}
                      for stage, given in {**{s: {} for s in STAGES}, **stages}.items()}
               for role, stages in {**{r: {} for r in ACTIONS}, **options["actions"]}.items()}
    return {"actions": actions,
            "value_add": {**VALUE_ADD, **options["value_add"]},
            "referral_moments": {**REFERRAL_MOMENTS, **options["referral_moments"]},
            "campaigns": {**CAMPAIGNS, **options["campaigns"]},
            "channels": {**CHANNELS, **options["channels"]},
            "budget": {**BUDGET, **options["budget"]}}


def _entry(report, name: str, relation_id: str) -> dict | None:
    found = report.findings.get(name)
    if found is None or relation_id not in found.relations:
        return None
    return found.relations[relation_id]


def attention_items(cadence: dict | None, health: dict | None, relation_id: str | None = None) -> list[dict]:
    """What needs attention about one relation now, most urgent first: plain data, worded by
    the template (sections/attention_items.html)."""
    items = []
    if cadence:
        if cadence["status"] == "overdue":
            items.append({"kind": "overdue", "tone": "red", "days": cadence["days_overdue"],
                          "since": cadence["next_due"]})
        elif cadence["status"] == "never_contacted":
            items.append({"kind": "never_contacted", "tone": "red"})
        elif cadence["status"] == "no_history":
            items.append({"kind": "no_history", "tone": "unknown"})
        elif cadence["status"] == "due_soon":
            items.append({"kind": "due_soon", "tone": "amber", "days": cadence["days_until_due"],
                          "date": cadence["next_due"]})
    if health:
        previous = (health.get("previous") or {}).get("band")
        if health["band"] == "red" and previous in ("green", "amber"):
            items.append({"kind": "turned_red", "tone": "red", "since": health["previous"]["as_of"],
                          "previous": previous})
        elif health["band"] == "red":
            items.append({"kind": "red", "tone": "red"})
        complaints = health.get("complaints") or {}
        if complaints.get("open_count"):
            items.append({"kind": "complaints", "tone": "red", "count": complaints["open_count"],
                          "days": complaints["oldest_open_days"]})
        flags = health.get("red_flags") or []
        if flags:
            latest = flags[0]
            items.append({"kind": "red_flags", "tone": "amber", "count": len(flags),
                          "latest": latest["kind"], "date": latest["date"]})
        opportunities = health.get("opportunities") or []
        if opportunities:
            kinds = list(dict.fromkeys(item["kind"] for item in opportunities))
            items.append({"kind": "opportunities", "tone": "green", "count": len(opportunities),
                          "kinds": kinds[:3]})
    return items


def overview(relation, report) -> dict:
    _ = report.translate
    segmentation = _entry(report, "segmentation", relation.id)
    cadence = _entry(report, "cadence", relation.id)
    health = _entry(report, "health", relation.id)
    planning = _entry(report, "planning", relation.id)
    badges = []
    category = (cadence or segmentation or {}).get("category") or relation.category
    if category:
        badges.append({"label": _("Category"), "value": category})
    if segmentation:
        from relatierapport.render.labels import PHASE_NAMES, SEGMENT_NAMES, TYPE_NAMES

        if segmentation.get("segment"):
            badges.append({"label": _("Segment"), "value": _(SEGMENT_NAMES[segmentation["segment"]])})
        if segmentation.get("type"):
            badges.append({"label": _("Customer type"), "value": _(TYPE_NAMES[segmentation["type"]])})
        if segmentation.get("phase"):
            badges.append({"label": _("Lifecycle phase"), "value": _(PHASE_NAMES[segmentation["phase"]])})
    health_data = None
    if health:
        trend = health.get("trend") or {}
        health_data = {
            "band": health["band"] or "unknown", "band_name": _(BAND_NAMES[health["band"] or "unknown"]),
            "score": health["score"], "unknown": _(health["unknown"]) if health.get("unknown") else None,
            "direction": trend.get("direction"), "change": trend.get("change"),
            "since": (health.get("previous") or {}).get("as_of"),
            "reasons": [_(INDICATOR_NAMES[r["indicator"]]) for r in health.get("reasons") or []][:3],
            "known": health.get("known_indicators"), "needed": health.get("min_known_indicators"),
            "missing": [_(INDICATOR_NAMES[item["indicator"]]) for item in health.get("missing") or []],
        }
    next_touchpoint = None
    if planning and planning.get("next"):
        next_touchpoint = {"date": planning["next"], "minutes": planning["minutes"],
                           "catch_up": planning["catch_up"],
                           "agenda": [_(item) for item in planning.get("agenda") or []]}
    items = attention_items(cadence, health)
    for item in items:
        if item["kind"] == "red_flags":
            item["latest_name"] = _(FLAG_NAMES[item["latest"]])
        elif item["kind"] == "opportunities":
            item["kind_names"] = [_(FLAG_NAMES[kind]) for kind in item["kinds"]]
        elif item["kind"] == "turned_red":
            item["previous_name"] = _(BAND_NAMES[item["previous"]])
    return {"badges": badges, **account_manager(report.portfolio, relation.owner, relation.owner_value, _),
            "health": health_data, "last_touchpoint": (cadence or {}).get("last_touchpoint"),
            "last_contact": (cadence or {}).get("last_contact"),
            "last_contact_source": (cadence or {}).get("last_contact_source"), "next": next_touchpoint,
            "next_due": (cadence or {}).get("next_due"),
            "attention": items, "has_cadence": cadence is not None}


def approach(relation, report) -> dict:
    texts = report.memo(f"{NAME}.texts", lambda: plan_texts(report.config.plugin(NAME)))
    _ = report.translate
    cadence = _entry(report, "cadence", relation.id) or {}
    segmentation = _entry(report, "segmentation", relation.id) or {}
    planning = _entry(report, "planning", relation.id)
    category = cadence.get("category") or segmentation.get("category") or relation.category or "C"
    role = relation.role if relation.role in texts["actions"] else DEFAULT_ROLE
    stages = [{"name": _(STAGE_NAMES[stage]),
               "actions": [_(text) for text in texts["actions"][role][stage].get(category, [])]}
              for stage in STAGES]
    segment = segmentation.get("segment")
    channel_key = segment if segment in texts["channels"] else DEFAULT_ROLE
    referral_role = relation.role if relation.role in texts["referral_moments"] else DEFAULT_ROLE
    value = segmentation.get("value") or {}
    hourly_cost = report.config.business["hourly_cost"]
    budget = {"money": texts["budget"].get(category) or None, "touchpoints": None, "hours": None,
              "cost": None, "revenue": value.get("revenue"), "profit": value.get("profit"),
              "months": value.get("months")}
    if planning:
        hours = planning["total_minutes"] / 60
        budget.update(touchpoints=planning["count"], hours=hours, minutes=planning["minutes"],
                      plan_months=report.findings["planning"].portfolio["months"],
                      cost=hours * hourly_cost if hourly_cost else None, hourly_cost=hourly_cost)
    from relatierapport.render.labels import SEGMENT_NAMES
    return {
        "category": category, "stages": stages,
        "value_add": [_(text) for text in texts["value_add"].get(category, [])],
        "referral_moments": [_(text) for text in texts["referral_moments"][referral_role]],
        "campaigns": [_(text) for text in texts["campaigns"].get(category, [])],
        "channels": [_(text) for text in texts["channels"][channel_key]],
        "segment_name": _(SEGMENT_NAMES[segment]) if segment else None,
        "budget": budget,
    }


@hookimpl
def report_sections(kind, relation, report):
    if kind != "relation":
        return []
    _ = report.translate
    return [Section("overview", _("At a glance"), "sections/relation_overview.html", 0,
                    overview(relation, report)),
            Section("approach", _("Approach"), "sections/relation_approach.html", 30,
                    approach(relation, report))]
