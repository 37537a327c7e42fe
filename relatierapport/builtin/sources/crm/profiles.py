"""The CRM profiles the built-in sources know, in the order they are tried and named.

``type = "crm"`` picks among them by the headers; each CRM's own source uses
them to hint "it looks like a Pipedrive export" when its headers do not fit.
"""

from __future__ import annotations

from relatierapport.builtin.sources.crm import hubspot, odoo, pipedrive, salesforce

PROFILES = (hubspot.PROFILE, pipedrive.PROFILE, salesforce.PROFILE, odoo.PROFILE)
