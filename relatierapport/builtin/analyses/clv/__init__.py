"""Built-in plugin ``clv``: customer value, from the customer-base analysis literature.

From won business (``purchases.py``: one purchase per relation per day, credit notes lowering
value and never a purchase) it fits, on every relation with a purchase up to the report date:

- BG/NBD (r, α, a, b): how often a relation buys while "alive" and how likely it dropped out
  after a purchase; per relation the probability it is still alive (``p_alive``) and the
  purchases expected over the horizon (``expected_purchases``);
- Gamma-Gamma (p, q, v): the value of a purchase; per relation the expected value of a purchase,
  its own mean pulled towards the portfolio's (``value_per_purchase``);

and from both the expected value over the horizon (``expected_value``, undiscounted) and the
customer lifetime value over the horizon (``clv``: each month's expected purchases times the
value per purchase, discounted per month at the yearly ``discount_rate``).

Thin data is said, not hidden: with fewer repeat relations than ``min_repeat_customers`` nothing
is fitted and every figure is unknown with the reason; a fit that does not converge is a
warning and its figures unknown; a relation without a purchase has no figures; one without a
repeat purchase has P(alive) = 1 by the model's construction (it can only drop out after a
repeat purchase), which ``caveat`` says, and the portfolio's value per purchase.

Needs scipy (``pip install "relatierapport[clv]"``); without it the analysis says so in its
findings (``unknown = "needs_scipy"`` and the command to install it), which the pages show.

Its report sections (``sections.py``): a relation plan's "Customer value" in words, and the
portfolio's value per category with how it was estimated.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.analyses.clv.options import NAME, OPTIONS
from relatierapport.hooktypes import Analysis, Findings

INSTALL = 'pip install "relatierapport[clv]"'


@hookimpl
def config_options():
    return [OPTIONS]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, description="Customer value: probability alive, expected "
                     "purchases and lifetime value (BG/NBD and Gamma-Gamma).", inputs=inputs)]


@hookimpl
def report_sections(kind, relation, report):
    from relatierapport.builtin.analyses.clv.sections import report_sections as sections

    return sections(kind, relation, report)


def inputs(portfolio, config, findings) -> list[str | bytes]:
    """Everything the figures are made from (``Analysis.inputs``): the purchases per relation,
    every relation id, the options and the versions of the libraries that fit them. A rebuild
    where these did not change reuses the previous build's figures: no scipy import, no fit."""
    import orjson

    from relatierapport.builtin.analyses.clv.options import UNIT_DAYS
    from relatierapport.builtin.analyses.clv.purchases import purchase_summary
    from relatierapport.render.reuse import installed_version

    options = config.plugin(NAME)
    summary = purchase_summary(portfolio.business, config.business, config.as_of,
                               UNIT_DAYS[options["time_unit"]])
    return [orjson.dumps(options, option=orjson.OPT_SORT_KEYS), summary.write_csv(),
            "\n".join(portfolio.relation_frame()["relation"].to_list()),
            *(f"{package} {installed_version(package)}" for package in ("numpy", "scipy", "polars"))]


def analyse(portfolio, config, findings) -> Findings:
    try:
        import scipy  # noqa: F401
    except ImportError:     # said in the findings and on the pages; not a warning, so that a
        # project made by `init` (which writes [plugins.clv]) builds cleanly without the extra
        return Findings(portfolio={"unknown": "needs_scipy", "install": INSTALL})
    from relatierapport.builtin.analyses.clv.fit import customer_value

    return customer_value(portfolio, config)
