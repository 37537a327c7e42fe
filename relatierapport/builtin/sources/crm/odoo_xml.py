"""Odoo's XML data files (``<record model="res.partner">``) as a sheet of technical field names.

Modules ship their demo and master data this way; the rows it gives are read
by the Odoo profile like an import-compatible CSV export. expat does the
parsing; a DTD is refused, so no entity is ever expanded.
"""

from __future__ import annotations

import re
import xml.parsers.expat

from relatierapport.builtin.sources.crm.files import Sheet
from relatierapport.errors import Problem

XML_COLUMNS = ("id", "name", "is_company", "parent_id/id", "email", "phone", "mobile", "city", "street",
               "zip", "country_id/id", "user_id/id", "company_registry", "vat", "website", "category_id",
               "function", "ref", "active", "comment")


class _Refused(Exception):
    """Raised inside the expat handlers to stop at a DTD (never expanded)."""


def read_xml(raw: bytes, display: str, spec, data) -> list[Sheet]:
    """``<record model="res.partner">`` of an Odoo data file as rows of technical field names.

    Categories (res.partner.category records in the same file) become tag names; ``ref``
    attributes become external ids; images and other files are never read. A DTD is refused.
    """
    records: list[dict] = []
    categories: dict[str, str] = {}
    stack: list[dict] = []
    state: dict = {"record": None, "field": None, "text": []}
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args):
        raise _Refused()

    def start(tag, attrs):
        stack.append(attrs)
        if tag == "record":
            state["record"] = {"__model": attrs.get("model", ""), "__line": parser.CurrentLineNumber,
                               "id": attrs.get("id", "")}
        elif tag == "field" and state["record"] is not None and state["field"] is None:
            state["field"], state["text"] = attrs, []

    def end(tag):
        attrs = stack.pop() if stack else {}
        record = state["record"]
        if tag == "field" and record is not None and state["field"] is attrs:
            name = attrs.get("name", "")
            if "ref" in attrs:
                record[f"{name}/id"] = attrs["ref"]
            elif "eval" in attrs:
                refs = re.findall(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)", attrs["eval"])
                record[f"{name}/refs"] = refs
                record[name] = attrs["eval"].strip() if not refs else None
            elif attrs.get("type") not in ("base64", "binary") and "file" not in attrs:
                record[name] = "".join(state["text"]).strip()
            state["field"] = None
        elif tag == "record" and record is not None:
            records.append(record)
            if record["__model"] == "res.partner.category":
                categories[record["id"]] = record.get("name") or record["id"]
            state["record"] = None

    def text(chunk):
        if state["field"] is not None:
            state["text"].append(chunk)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(raw, True)
    except _Refused:
        data.errors.append(Problem(display, "expected an Odoo data file, found a DTD (<!DOCTYPE>); "
                                   "files with a DTD are not read", str(parser.CurrentLineNumber)))
        return []
    except xml.parsers.expat.ExpatError as exc:
        data.errors.append(Problem(display, f"expected well-formed XML, found "
                                   f"{xml.parsers.expat.ErrorString(exc.code)} at column {exc.offset}",
                                   str(exc.lineno)))
        return []
    partners = [r for r in records if r["__model"] == "res.partner"]
    if not partners:
        data.errors.append(Problem(display, "expected <record model=\"res.partner\"> elements (an Odoo "
                                   f"data file with contacts), found {len(records)} other records"))
        return []

    def category(ref: str) -> str:
        return categories.get(ref) or categories.get(ref.rpartition(".")[2]) or ref

    rows, lines = [], []
    for record in partners:
        values = dict(record)
        values["category_id"] = ",".join(category(ref) for ref in record.get("category_id/refs") or [])
        rows.append([_text(values.get(column)) for column in XML_COLUMNS])
        lines.append(record["__line"])
    return [Sheet(display, list(XML_COLUMNS), rows, lines, ".", kind="xml")]


def _text(value) -> str | None:
    if value is None or isinstance(value, list):
        return None
    return str(value)
