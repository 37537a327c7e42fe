"""Built-in source ``crm``: a HubSpot, Pipedrive, Salesforce or Odoo export, recognised from its headers.

For when a user does not know (or care) which CRM wrote the file; when the
headers fit more than one, the error names the candidates and asks for the
specific ``type``.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.sources.crm.common import CRM_READER


@hookimpl
def source_readers():
    return [CRM_READER]
