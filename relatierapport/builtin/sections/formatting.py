"""Built-in plugin ``formatting``: the report's Jinja2 filters (``date``, ``money``, ``number``,
``change``, ``percent``, ``label``) in the report's language.

The filters themselves live in ``relatierapport.render.formatting`` so that sections and
delivery shape their data with the same rules without importing this plugin.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.render.formatting import make_filters


@hookimpl
def prepare_jinja_env(env, config):
    env.filters.update(make_filters(config.language))
