"""Built-in plugin ``network``: who in our organisation knows whom, and where it hangs on one person.

Per organisation (with its contact persons: a person belongs to the
organisation named in ``organisation``) and per person without one: the
employees who hold contact — the owners of the organisation and of its persons,
and everyone with a touchpoint with any of them in the last ``months`` months —,
how many they are, and the last touchpoint by anyone. An organisation that only
one employee holds contact with hangs on that person: a risk when they leave.
Relations without a touchpoint from anyone in the last ``recent_months``
months are listed too. Per employee: how many organisations they know, own,
and are the only contact for.

One polars aggregation over the touchpoints (per relation and employee), then
per organisation: no Python loop per relation.
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.dates import add_months
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.options import Integer, ListOf, Option, OptionGroup, Text
from relatierapport.relation_table import relation_columns

NAME = "network"
KINDS = ("organisation", "person")
CONTACT = pl.Struct({"employee": pl.String, "owner": pl.Boolean, "touchpoints": pl.Int64})


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("months", Integer(minimum=1, maximum=120), 12,
               "An employee with a touchpoint in this many months before the report date holds "
               "contact (the owners always do)."),
        Option("recent_months", Integer(minimum=1, maximum=120), 6,
               "Relations without a touchpoint from anyone in this many months are listed as "
               "without recent contact."),
        Option("single_contact_kinds", ListOf(Text(choices=KINDS)), ["organisation"],
               "Relations of these kinds (organisation, person) are listed when only one employee "
               "holds contact with them."),
        Option("list_limit", Integer(minimum=0), 100,
               "Longest portfolio lists (hanging on one person, without recent contact) in "
               "report.json and the report; 0 = no limit. The counts cover them all."),
    ), "The relation network: who holds contact with which organisation, relations that hang on "
       "one person, relations without recent contact.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=("cadence",),
                     description="Who holds contact with each organisation; single points of "
                                 "contact; relations without recent contact.")]


def units(portfolio) -> pl.DataFrame:
    """Per relation the unit whose network it shares: its organisation (when that is a relation
    too), else itself."""
    frame = portfolio.relation_frame().select("relation", "name", "kind", "owner", "organisation")
    known = frame.select(pl.col("relation").alias("organisation"), pl.lit(True).alias("known"))
    return (frame.join(known, on="organisation", how="left", maintain_order="left")
            .with_columns(pl.when(pl.col("known") & (pl.col("kind") == "person"))
                          .then(pl.col("organisation")).otherwise(pl.col("relation")).alias("unit"))
            .drop("known"))


def _last_contacts(portfolio, findings, as_of) -> pl.DataFrame:
    """Per relation its latest contact on or before the report date, its category and whether
    its data holds no contact history: the cadence analysis' when loaded (it has just computed
    them and decides the category), else the touchpoints' and no category."""
    cadence = findings.get("cadence")
    if cadence is not None:
        # cadence's last contact: the latest logged touchpoint or the export's own summary of
        # contact; a relation whose data holds no contact history at all (status no_history) is
        # not "without recent contact" but one group on the attention page
        found = relation_columns(cadence.relations, {"last_contact": pl.Date, "category": pl.String,
                                                     "status": pl.String})
        return found.select("relation", pl.col("last_contact").alias("last_touchpoint"), "category",
                            (pl.col("status") == "no_history").fill_null(False).alias("no_history"))
    last = (portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of).group_by("relation")
            .agg(pl.col("date").max().alias("last_touchpoint")))
    return (portfolio.relation_frame().lazy().select("relation", pl.lit(None, pl.String).alias("category"))
            .join(last, on="relation", how="left", maintain_order="left")
            .select("relation", "last_touchpoint", "category", pl.lit(False).alias("no_history")).collect())


def analyse(portfolio, config, findings) -> Findings:
    options = config.plugin(NAME)
    as_of = config.as_of
    window_start = add_months(as_of, -options["months"])
    recent_start = add_months(as_of, -options["recent_months"])
    members = units(portfolio)
    last_contacts = _last_contacts(portfolio, findings, as_of)
    if last_contacts["relation"].equals(members["relation"]):     # the usual case: no join
        members = members.hstack(last_contacts.drop("relation").get_columns())
    else:
        members = members.join(last_contacts, on="relation", how="left", maintain_order="left")
    # only contact persons count elsewhere: a join with those few instead of every relation
    elsewhere = members.lazy().filter(pl.col("unit") != pl.col("relation")).select("relation", "unit")
    touched = (portfolio.touchpoints.lazy()
               .filter(pl.col("date") > window_start, pl.col("date") <= as_of,
                       pl.col("employee").is_not_null())
               .group_by("relation", "employee").agg(pl.len().cast(pl.Int64).alias("touchpoints"))
               .join(elsewhere, on="relation", how="left")
               .group_by(pl.coalesce("unit", "relation").alias("unit"), "employee")
               .agg(pl.col("touchpoints").sum())
               .collect())
    owners = (members.filter(pl.col("owner").is_not_null())
              .select("unit", pl.col("owner").alias("employee")).unique()
              .with_columns(pl.lit(True).alias("owner")))
    contacts = (owners.join(touched, on=["unit", "employee"], how="full", coalesce=True)
                .with_columns(pl.col("owner").fill_null(False), pl.col("touchpoints").fill_null(0))
                .sort("unit", "employee"))       # one sort: far cheaper than sorting every list
    per_unit = contacts.group_by("unit").agg(
        pl.struct("employee", "owner", "touchpoints").alias("employees"),
        pl.len().cast(pl.Int64).alias("contacts"))
    last = members.group_by("unit").agg(pl.col("last_touchpoint").max().alias("last_contact"))
    checked = options["single_contact_kinds"]
    unit_rows = (members.filter(pl.col("unit") == pl.col("relation"))
                 .select("unit", "kind", "name", "owner", "category", "no_history")
                 .join(per_unit, on="unit", how="left", maintain_order="left")
                 .join(last, on="unit", how="left", maintain_order="left")
                 .with_columns(pl.col("employees").fill_null(pl.lit([], dtype=pl.List(CONTACT))),
                               pl.col("contacts").fill_null(0))
                 .with_columns((pl.col("kind").is_in(checked) & (pl.col("contacts") == 1))
                               .alias("single_contact"),
                               ((pl.col("last_contact").is_null() | (pl.col("last_contact") <= recent_start))
                                & ~pl.col("no_history")).alias("no_recent_contact")))
    per_relation = (members.select("relation", "unit")
                    .join(unit_rows.select("unit", "employees", "contacts", "last_contact",
                                           "single_contact", "no_recent_contact"),
                          on="unit", how="left", maintain_order="left"))
    return Findings(relations=per_relation,
                    portfolio=_portfolio(portfolio, unit_rows, contacts, options, as_of, recent_start))


def _portfolio(portfolio, rows: pl.DataFrame, contacts: pl.DataFrame, options, as_of,
               recent_start) -> dict:
    limit = options["list_limit"] or None
    names = {e.id: e.name for e in portfolio.employees.values()}
    single = (rows.filter(pl.col("single_contact")).sort("category", "unit", nulls_last=True)
              .select(pl.col("unit").alias("id"), "name", "kind", "category",
                      pl.col("employees").list.first().struct.field("employee").alias("employee"),
                      "last_contact"))
    quiet = (rows.filter(pl.col("no_recent_contact"))
             .sort("last_contact", "unit", nulls_last=False)
             .select(pl.col("unit").alias("id"), "name", "kind", "category", "owner", "last_contact",
                     (pl.lit(as_of) - pl.col("last_contact")).dt.total_days().alias("days_since"),
                     pl.col("contacts")))
    sole = rows.filter(pl.col("single_contact")).select(
        "unit", pl.col("employees").list.first().struct.field("employee").alias("employee"))
    per_employee = (contacts.group_by("employee").agg(
        pl.len().alias("units"), pl.col("owner").sum().cast(pl.Int64).alias("owned"))
        .join(sole.group_by("employee").agg(pl.len().alias("sole")), on="employee", how="left")
        .with_columns(pl.col("sole").fill_null(0).cast(pl.Int64), pl.col("units").cast(pl.Int64))
        .sort("employee"))
    employee_rows = [{"id": row["employee"], "name": names.get(row["employee"]),
                      "units": row["units"], "owned": row["owned"], "sole": row["sole"]}
                     for row in per_employee.iter_rows(named=True)]

    def named(frame: pl.DataFrame, column: str) -> list[dict]:
        listed = frame.head(limit) if limit else frame
        return [{**row, f"{column}_name": names.get(row[column])} for row in listed.to_dicts()]

    counts = rows.select(pl.len().alias("units"),
                         pl.col("single_contact").sum().alias("single_contact"),
                         pl.col("no_recent_contact").sum().alias("no_recent_contact"),
                         (pl.col("contacts") == 0).sum().alias("no_contact"),
                         pl.col("contacts").mean().round(2).alias("contacts_mean")).to_dicts()[0]
    distribution = dict(rows.group_by(pl.col("contacts").clip(0, 3)).len().sort("contacts").iter_rows())
    return {
        "counts": counts,
        "contacts": {("3+" if k == 3 else str(k)): v for k, v in distribution.items()},
        "single_contact": named(single, "employee"), "single_contact_total": single.height,
        "no_recent_contact": named(quiet, "owner"), "no_recent_contact_total": quiet.height,
        "no_history_total": int(rows["no_history"].sum()),
        "employees": employee_rows,
        "window": {"months": options["months"], "recent_months": options["recent_months"],
                   "recent_since": recent_start, "list_limit": options["list_limit"]},
    }


# -- report sections ---------------------------------------------------------------------------

def _names(report) -> dict:
    return report.memo("network.names", lambda: {e.id: e.name for e in report.portfolio.employees.values()})


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    title = report.translate("Relation network")
    if kind == "portfolio":
        return [Section("network", title, "sections/network_portfolio.html", 70, found.portfolio)]
    entry = found.relations[relation.id]
    names = _names(report)
    unit = report.portfolio.relations.get(entry["unit"])
    data = {**entry, "unit_name": unit.name if unit and entry["unit"] != relation.id else None,
            "employees": [{**contact, "name": names.get(contact["employee"], contact["employee"])}
                          for contact in entry["employees"]],
            "window": found.portfolio["window"]}
    return [Section("network", title, "sections/network_relation.html", 70, data)]
