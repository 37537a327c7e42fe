"""Built-in source ``crm``: a HubSpot, Pipedrive, Salesforce or Odoo export, recognised from its headers.

For when a user does not know (or care) which CRM wrote the file; when the
headers fit more than one, the error names the candidates and asks for the
specific ``type``.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.sources.crm.common import OPTIONS, read_with
from relatierapport.builtin.sources.crm.profiles import PROFILES
from relatierapport.hooktypes import SourceReader
from relatierapport.model import SourceData


def read_any(spec, config) -> SourceData:
    """``type = "crm"``: each file is read by the CRM its headers show."""
    return read_with(spec, PROFILES, forced=False)


@hookimpl
def source_readers():
    return [SourceReader("crm", read_any, OPTIONS,
                         "A CRM export (HubSpot, Pipedrive, Salesforce or Odoo), recognised from its "
                         "headers.")]
