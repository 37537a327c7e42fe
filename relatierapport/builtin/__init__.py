"""The built-in plugins: each a small module on the same hooks a consultant uses.

Their names (the last part of the module name) are what ``disable_plugins`` and
``relatierapport plugins`` show, and the keys of their findings in report.json.
"""

BUILTIN_PLUGINS = (
    "relatierapport.builtin.csv_source",
    "relatierapport.builtin.xlsx_source",
    "relatierapport.builtin.vcard_source",
    "relatierapport.builtin.hubspot_source",
    "relatierapport.builtin.pipedrive_source",
    "relatierapport.builtin.salesforce_source",
    "relatierapport.builtin.odoo_source",
    "relatierapport.builtin.crm_source",
    "relatierapport.builtin.provenance",
    "relatierapport.builtin.segmentation",
    "relatierapport.builtin.cadence",
    "relatierapport.builtin.planning",
    "relatierapport.builtin.health",
    "relatierapport.builtin.indicators",
    "relatierapport.builtin.goal_metrics",
    "relatierapport.builtin.goals",
    "relatierapport.builtin.satisfaction",
    "relatierapport.builtin.network",
    "relatierapport.builtin.profile",
    "relatierapport.builtin.attention",
    "relatierapport.builtin.relation_plan",
    "relatierapport.builtin.team",
    "relatierapport.builtin.formatting",
    "relatierapport.builtin.json_output",
    "relatierapport.builtin.html_output",
    "relatierapport.builtin.pdf_output",
    "relatierapport.builtin.calendar_output",
    "relatierapport.builtin.smtp",
    "relatierapport.builtin.mail",
)
