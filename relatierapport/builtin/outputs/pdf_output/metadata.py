"""A PDF's document information on one line: title, author, subject, keywords.

WeasyPrint takes them from the page's ``<title>`` and ``<meta>`` elements, which a
template fills with names from the data (a relation plan's title holds the relation's
name). A line break there would end up in the PDF's /Title and its XMP metadata, where a
PDF reader shows one line, so every text field is flattened with ``one_line`` after
WeasyPrint has read it and before the PDF is written.
"""

from __future__ import annotations

from relatierapport.render.one_line import one_line


def flatten(metadata) -> None:
    """Flatten ``weasyprint``'s ``DocumentMetadata`` in place (empty keywords and authors go)."""
    metadata.title = one_line(metadata.title) if metadata.title is not None else None
    metadata.description = one_line(metadata.description) if metadata.description is not None else None
    metadata.generator = one_line(metadata.generator) if metadata.generator is not None else None
    metadata.authors = [name for name in map(one_line, metadata.authors) if name]
    metadata.keywords = list(dict.fromkeys(word for word in map(one_line, metadata.keywords) if word))
    metadata.custom = {one_line(key): one_line(value) for key, value in metadata.custom.items()}
