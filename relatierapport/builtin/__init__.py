"""The built-in plugins: each a small module on the same hooks a consultant uses.

Their names (the last part of the module name) are what ``disable_plugins`` and
``relatierapport plugins`` show, and the keys of their findings in report.json.
"""

BUILTIN_PLUGINS = (
    "relatierapport.builtin.sources.csv_source",
    "relatierapport.builtin.sources.xlsx_source",
    "relatierapport.builtin.sources.vcard_source",
    "relatierapport.builtin.sources.crm.hubspot_source",
    "relatierapport.builtin.sources.crm.pipedrive_source",
    "relatierapport.builtin.sources.crm.salesforce_source",
    "relatierapport.builtin.sources.crm.odoo_source",
    "relatierapport.builtin.sources.crm.crm_source",
    "relatierapport.builtin.analyses.provenance",
    "relatierapport.builtin.analyses.clv",
    "relatierapport.builtin.analyses.segmentation",
    "relatierapport.builtin.analyses.coverage",
    "relatierapport.builtin.analyses.cadence",
    "relatierapport.builtin.analyses.planning",
    "relatierapport.builtin.analyses.health",
    "relatierapport.builtin.analyses.indicators",
    "relatierapport.builtin.analyses.goal_metrics",
    "relatierapport.builtin.analyses.goals",
    "relatierapport.builtin.analyses.satisfaction",
    "relatierapport.builtin.analyses.network",
    "relatierapport.builtin.sections.profile",
    "relatierapport.builtin.sections.attention",
    "relatierapport.builtin.sections.relation_plan",
    "relatierapport.builtin.sections.team",
    "relatierapport.builtin.sections.formatting",
    "relatierapport.builtin.outputs.json_output",
    "relatierapport.builtin.outputs.html_output",
    "relatierapport.builtin.outputs.pdf_output",
    "relatierapport.builtin.outputs.calendar_output",
    "relatierapport.builtin.delivery.mail",
)

#: The built-in plugins that implement ``register_commands``: the only ones the CLI
#: imports to list its commands (``relatierapport --help``), so that listing them does
#: not import polars, Jinja2 or WeasyPrint through the analyses and outputs (issue 17).
#: tests/test_architecture.py checks that no other built-in implements the hook.
COMMAND_PLUGINS = ("relatierapport.builtin.delivery.mail",)
