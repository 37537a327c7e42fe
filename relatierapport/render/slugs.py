"""Stable file names for relation pages and owners' calendars, derived from ids alone.

A slug never depends on the name or on the order of relations, so links and
mailed attachments keep pointing at the same relation from month to month.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def slugs_for(ids: list[str]) -> dict[str, str]:
    """Map each id to its slug; ids whose slugs would collide (or be empty) get a short hash."""
    plain = {rid: slugify(rid) for rid in ids}
    taken: dict[str, int] = {}
    for slug in plain.values():
        taken[slug] = taken.get(slug, 0) + 1
    result = {}
    for rid, slug in plain.items():
        if not slug or taken[slug] > 1:
            digest = hashlib.sha1(rid.encode("utf-8")).hexdigest()[:8]
            slug = f"{slug}-{digest}" if slug else digest
        result[rid] = slug
    return result


#: The output folder's subfolder of per-owner calendars (calendar/<owner slug>.ics).
OWNER_CALENDARS = "calendar"


def owner_calendars(owner_ids) -> dict[str, str]:
    """The path of each owner's calendar in the output folder, given the owners of all relations:
    where the calendar output writes them and where mail finds them."""
    return {owner: f"{OWNER_CALENDARS}/{slug}.ics"
            for owner, slug in slugs_for(sorted(set(owner_ids))).items()}
