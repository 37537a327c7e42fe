"""Turning findings into pages: the Jinja2 site, Babel formatting, translations, charts, the atomic publish."""
