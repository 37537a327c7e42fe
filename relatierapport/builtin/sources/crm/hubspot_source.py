"""Built-in source ``hubspot``: HubSpot exports; what is read is told in hubspot.py (its profile)."""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.sources.crm.common import reader_for
from relatierapport.builtin.sources.crm.hubspot import PROFILE
from relatierapport.builtin.sources.crm.profiles import PROFILES


@hookimpl
def source_readers():
    return [reader_for(PROFILE, PROFILES)]
