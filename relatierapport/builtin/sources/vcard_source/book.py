"""Cards become relations: persons, organisations, and groups that tag their members.

The rules (which card is a person, which an organisation, how ids, names and
categories are chosen) are told in the source's docstring, vcard_source/__init__.py.
"""

from __future__ import annotations

from relatierapport.builtin.sources.vcard_source import fields
from relatierapport.builtin.sources.vcard_source.card import MEMBER, Card, apple_label, text
from relatierapport.builtin.sources.vcard_source.ids import digest, organisation_id, uid_id, uid_key
from relatierapport.builtin.sources.vcard_source.problems import Problems
from relatierapport.errors import Problem
from relatierapport.model import Relation
from relatierapport.sources import vocabulary


class AddressBook:
    """The relations read from one source's cards, and the groups met on the way."""

    def __init__(self, options: dict, problems: Problems):
        self.problems = problems
        self.owner: str | None = options.get("owner") or None
        role = options.get("role")
        self.role = vocabulary.normalise("role", role) if role else None
        category_tags = options.get("category_tags") or {}
        self.category_tags = {tag.casefold(): category for category in ("C", "B", "A")
                              for tag in category_tags.get(category, [])}
        self.relations: dict[str, Relation] = {}
        self.organisation_cards: set[str] = set()
        self.groups: list[tuple[Card, str, list[str]]] = []

    def add(self, card: Card) -> None:
        """The card as a person, an organisation or a group (see the source's docstring)."""
        card.labels = {p.group: apple_label(text(p.value)) for p in card.all("X-ABLABEL") if p.group}
        for prop in card.props:
            if card.labels.get(prop.group or ""):
                prop.params.setdefault("TYPE", []).append(card.labels[prop.group].lower())
        kind = (card.first("KIND") or card.first("X-ADDRESSBOOKSERVER-KIND")).lower()
        fn = " ".join(card.first("FN").split())
        n_name = ""
        for prop in card.all("N"):
            name = prop.value
            n_name = " ".join(" ".join(text(name.get(part, ""), " ").split())
                              for part in ("given", "additional", "family")
                              if text(name.get(part, ""), " "))
            if n_name:
                break
        org_parts: list[str] = []
        for prop in card.all("ORG"):
            parts = [text(p) for p in (prop.value if isinstance(prop.value, list) else [prop.value])]
            if parts and parts[0]:
                org_parts = parts
                break
        org_name = " ".join(org_parts[0].split()) if org_parts else ""

        if kind == "group":
            members = [m for p in card.all(*MEMBER) if (m := uid_key(text(p.value)))]
            name = fn or n_name
            if name:
                self.groups.append((card, name, members))
            else:
                self.problems.warn_at(card.source, card.line, "expected a name (FN) for this group card, "
                                      "found none: group ignored")
            return

        same = org_name and fn and fn.casefold() == org_name.casefold()
        person_name = n_name if (not fn or same) else fn
        if kind in ("org", "organization", "organisation") or not person_name:
            name = org_name or fn or n_name
            if name:
                self._organisation_card(card, name)
                return
        if not person_name:
            person_name = fields.email(card) or fields.phone(card)
        if not person_name:
            self.problems.warn_at(card.source, card.line, "expected a name (FN, N or ORG), an e-mail address "
                                  "or a phone number, found none: card skipped")
            return
        relation = self._relation(card, person_name, "person")
        if relation is None:
            return
        relation.role = self.role
        if org_name:
            relation.organisation = self._organisation(org_name, card.origin)
            if len(org_parts) > 1 and any(org_parts[1:]):
                relation.extra["department"] = ", ".join(p for p in org_parts[1:] if p)

    def _relation(self, card: Card, name: str, kind: str, rid: str | None = None) -> Relation | None:
        email = fields.email(card)
        uid = card.first("UID")
        if rid is None:
            rid = uid_id(uid) or f"vcard-{digest(name, email or '', length=12)}"
            if rid in self.relations:
                other = self.relations[rid]
                alternative = f"{rid}-{digest(card.source, name, email or '', length=6)}"
                if alternative in self.relations:
                    same = "same UID, name" if uid else "no UID, and the same name"
                    self.problems.warn_at(card.source, card.line, f"{same} and e-mail address as the card at "
                                          f"{other.origin} in this file: card skipped as a duplicate",
                                          field="UID" if uid else "")
                    return None
                if uid:
                    message = f"expected a UID of its own, found {uid!r} as on the card at {other.origin}"
                else:
                    message = f"no UID, and the same name and e-mail address as the card at {other.origin}"
                self.problems.warn_at(card.source, card.line, f"{message}: read with id {alternative!r}",
                                      field="UID" if uid else "")
                rid = alternative
        relation = Relation(id=rid, name=name, kind=kind, owner=self.owner, email=email,
                            phone=fields.phone(card), city=fields.city(card), tags=fields.tags(card),
                            extra=fields.extra(card, uid), origin=card.origin)
        self.relations[rid] = relation
        return relation

    def _organisation(self, name: str, origin: str) -> str:
        """The id of the organisation named ``name``, made when first mentioned."""
        rid = organisation_id(name)
        existing = self.relations.get(rid)
        if existing is not None and existing.kind != "organisation":
            rid = f"{rid}-org"
        if rid not in self.relations:
            self.relations[rid] = Relation(id=rid, name=name, kind="organisation", owner=self.owner,
                                           origin=origin)
        return rid

    def _organisation_card(self, card: Card, name: str) -> None:
        rid = self._organisation(name, card.origin)
        relation = self.relations[rid]
        fresh = self._relation(card, name, "organisation", rid=rid)
        if fresh is None:
            return
        if rid in self.organisation_cards:
            # a second card for the same organisation: it fills what the first left open
            for attribute in ("email", "phone", "city"):
                if not getattr(relation, attribute):
                    setattr(relation, attribute, getattr(fresh, attribute))
            relation.tags = tuple(dict.fromkeys(relation.tags + fresh.tags))
            for key, value in fresh.extra.items():
                relation.extra.setdefault(key, value)
            self.relations[rid] = relation
        self.organisation_cards.add(rid)

    def finish(self) -> list[Relation]:
        """The relations, with group names as tags and categories from tags."""
        by_uid: dict[str, list[Relation]] = {}
        for relation in self.relations.values():
            key = uid_key(relation.extra.get("source_id", ""))
            if key:
                by_uid.setdefault(key, []).append(relation)
        for card, name, members in self.groups:
            missing = 0
            for member in members:
                found = by_uid.get(member)
                if not found:
                    missing += 1
                for relation in found or ():
                    relation.tags = tuple(dict.fromkeys(relation.tags + (name,)))
            if missing:
                self.problems.warn_at(card.source, card.line, f'group "{name}" lists {missing} '
                                      "member(s) with no card in this source: those are not tagged",
                                      field="MEMBER")
        for relation in self.relations.values():
            self._category(relation)
        return list(self.relations.values())

    def _category(self, relation: Relation) -> None:
        if not self.category_tags:
            return
        found = {}
        for tag in relation.tags:
            category = self.category_tags.get(tag.casefold())
            if category:
                found.setdefault(category, tag)
        if not found:
            return
        chosen = min(found)
        relation.category = chosen
        if len(found) > 1:
            tags = ", ".join(f'"{tag}" ({category})' for category, tag in sorted(found.items()))
            source, _, line = relation.origin.rpartition(":")
            self.problems.warn(Problem(source, f"expected tags for one category, found {tags}: category "
                                       f"{chosen} used", location=line, field="category"))
