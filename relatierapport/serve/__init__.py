"""``relatierapport serve``: a live preview, like ``mkdocs serve``.

server.py serves the output folder on a loopback address; pages.py renders the HTML pages
from the last good build when the browser asks for them (a build renders none); reload.py is
what the browser is told (the build counter it polls, the script and error banner added to
each HTML response); watch.py watches config.toml, the sources, templates/ and plugins/ with
watchfiles; preview.py ties them together: build, serve, and build again on every change, with
``build()`` itself, so a preview gets whatever makes builds quicker; templates.py keeps the
compiled templates from one of its builds to the next.
"""
