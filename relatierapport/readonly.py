"""The model as plugins get it: read-only, so one plugin cannot change what the others see.

Sources build and merge the model; once it is loaded, ``seal`` turns it
read-only in place: relations, employees and goals become sealed records
(assigning a field raises ``ReadOnlyError``), their dicts and lists read-only
dicts and lists, the portfolio's mappings and its goals read-only too.
Every analysis gets its own ``view``: the same records, and clones of the event
tables (polars shares the data, so a clone costs nothing), so even a plugin
that changes a frame in place (``drop_in_place``, ``insert_column``) changes
only its own copy. A plugin that wants a changed record makes one:
``dataclasses.replace(relation, name=...)`` gives a new, ordinary record.

Sealing swaps each record's class for a subclass that refuses assignment: one
assignment per record, no copy and no cost on reads.
"""

from __future__ import annotations

import dataclasses

from relatierapport.model import EVENT_SCHEMAS, Employee, Goal, Portfolio, Relation


class ReadOnlyError(TypeError):
    """A plugin tried to change the model it was handed."""


def _refuse(what: str):
    raise ReadOnlyError(f"{what} is read-only: plugins read the model and return what they "
                        "found as Findings (dataclasses.replace makes a changed copy of a record)")


class ReadOnlyDict(dict):
    """A dict that cannot be changed: reads cost what a dict's do."""

    __slots__ = ()

    def _refused(self, *args, **kwargs):
        _refuse("this mapping of the portfolio")

    __setitem__ = __delitem__ = __ior__ = _refused
    clear = pop = popitem = setdefault = update = _refused

    def __reduce__(self):
        return ReadOnlyDict, (dict(self),)

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        import copy
        return copy.deepcopy(dict(self), memo)


class ReadOnlyList(tuple):
    """A tuple that says why when a plugin tries to change it like a list."""

    __slots__ = ()

    def _refused(self, *args, **kwargs):
        _refuse("this list of the portfolio")

    append = extend = insert = remove = pop = clear = sort = reverse = _refused
    __setitem__ = __delitem__ = _refused

    def __reduce__(self):
        return ReadOnlyList, (tuple(self),)


def _rebuild(cls: type, values: dict):
    """A sealed record again, from its field values (copy and pickle: PDF workers get them)."""
    record = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(record, name, value)
    return record


def _sealed_class(base: type, label) -> type:
    """A subclass of ``base`` whose instances refuse assignment and deletion of their fields.
    Constructing one (what ``dataclasses.replace`` does) gives an ordinary ``base`` record."""

    def __new__(cls, *args, **kwargs):
        return base(*args, **kwargs)

    def __setattr__(self, name, value):
        _refuse(label(self, name))

    def __delattr__(self, name):
        _refuse(label(self, name))

    def __reduce__(self):
        return _rebuild, (type(self), {f.name: getattr(self, f.name) for f in dataclasses.fields(self)})

    namespace = {"__new__": __new__, "__setattr__": __setattr__, "__delattr__": __delattr__,
                 "__reduce__": __reduce__, "__doc__": f"A read-only {base.__name__}."}
    if "__slots__" in base.__dict__:
        namespace["__slots__"] = ()
    return type(f"ReadOnly{base.__name__}", (base,), namespace)


ReadOnlyRelation = _sealed_class(Relation, lambda r, name: f"relation {r.id} ({name})")
ReadOnlyEmployee = _sealed_class(Employee, lambda e, name: f"employee {e.id} ({name})")
ReadOnlyGoal = _sealed_class(Goal, lambda g, name: f"goal {g.id} ({name})")


class ReadOnlyPortfolio(Portfolio):
    """The portfolio after loading: its fields cannot be set (its relation frame is cached).
    ``dataclasses.replace`` on it gives an ordinary, changeable ``Portfolio``."""

    def __new__(cls, *args, **kwargs):
        return Portfolio(*args, **kwargs)

    def __setattr__(self, name, value):
        if name == "_frame":
            object.__setattr__(self, name, value)
            return
        _refuse(f"the portfolio ({name})")

    def __delattr__(self, name):
        _refuse(f"the portfolio ({name})")


#: Relation fields that hold a dict or a list: read-only dicts and tuples once sealed.
_RELATION_CONTAINERS = ("scores", "extra", "provenance", "merged_from")


def _seal_relation(relation: Relation) -> None:
    if type(relation) is ReadOnlyRelation:
        return
    for name in _RELATION_CONTAINERS:
        value = getattr(relation, name)
        object.__setattr__(relation, name, ReadOnlyDict(value) if isinstance(value, dict)
                           else ReadOnlyList(value))
    object.__setattr__(relation, "__class__", ReadOnlyRelation)


def _seal_record(record, sealed: type) -> None:
    if type(record) is not sealed:
        for field in dataclasses.fields(record):
            value = getattr(record, field.name)
            if isinstance(value, list):
                object.__setattr__(record, field.name, ReadOnlyList(value))
            elif isinstance(value, dict):
                object.__setattr__(record, field.name, ReadOnlyDict(value))
        object.__setattr__(record, "__class__", sealed)


def seal(portfolio: Portfolio) -> Portfolio:
    """Make the loaded portfolio read-only in place (and return it)."""
    if isinstance(portfolio, ReadOnlyPortfolio):
        return portfolio
    for relation in portfolio.relations.values():
        _seal_relation(relation)
    for employee in portfolio.employees.values():
        _seal_record(employee, ReadOnlyEmployee)
    for goal in portfolio.goals:
        _seal_record(goal, ReadOnlyGoal)
    object.__setattr__(portfolio, "relations", ReadOnlyDict(portfolio.relations))
    object.__setattr__(portfolio, "employees", ReadOnlyDict(portfolio.employees))
    object.__setattr__(portfolio, "goals", ReadOnlyList(portfolio.goals))
    object.__setattr__(portfolio, "__class__", ReadOnlyPortfolio)
    portfolio.relation_frame()          # built once, before the analyses share it
    return portfolio


def view(portfolio: Portfolio) -> ReadOnlyPortfolio:
    """One plugin's own view of the sealed portfolio: the same read-only records, and its own
    clones of the event tables and the relation frame (shared data, no copy)."""
    sealed = seal(portfolio)
    mine = object.__new__(ReadOnlyPortfolio)
    state = dict(sealed.__dict__)
    for table in EVENT_SCHEMAS:
        state[table] = state[table].clone()
    if state.get("_frame") is not None:
        key, frame = state["_frame"]
        state["_frame"] = (key, frame.clone())
    mine.__dict__.update(state)
    return mine
