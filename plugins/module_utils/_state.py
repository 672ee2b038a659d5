# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The desired-state helper: what differs, the diff, check mode and verification, in one place.

A state module reads the rack's object (None when absent), states what it wants, and lets
this file decide the rest::

    state = DesiredState(module, FIELDS)
    plan = state.plan(current, dict(locked=p['locked'], parameters=MapUpdate(p['parameters'])),
                      present=p['state'] == 'present')
    if plan.action == 'create':
        state.write(client.app_create, name)          # not sent in check mode
    elif plan.action == 'update':
        state.write(client.app_update, name, lock=plan.desired.get('locked'))
    ...
    state.verify(client.app_get(name))               # what the rack now reports holds the change
    module.exit_json(**state.result(app=...))         # changed, diff (in diff mode)

Only options the user gave are compared: a desired value of None means "leave it as it is".
A dict option is compared key by key (``MapUpdate``): keys to set, keys to remove, or, with
``purge``, exactly the given map. Secret fields show in the diff with their values hidden, but
so that a changed value still shows as changed.
"""

from __future__ import annotations

import re

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxError, ConvoxNotFoundError, ConvoxServerError

# What a hidden value looks like in a diff. A changed secret shows different markers before and
# after, so the diff still says which keys changed without saying what they hold.
HIDDEN = '<hidden>'
HIDDEN_BEFORE = '<hidden: old value>'
HIDDEN_AFTER = '<hidden: new value>'

CREATE = 'create'
UPDATE = 'update'
DELETE = 'delete'


class ConvoxStateError(ConvoxError):
    """The rack did not end up as asked (for example it dropped a parameter it does not know)."""


class MapUpdate:
    """A dict option compared key by key with the map the rack reports.

    ``values`` are set; ``remove`` names keys to drop; with ``purge`` the map becomes exactly
    ``values``. ``drop_empty`` treats a key with an empty value like a missing key, for maps
    the rack reports without empty values (v3 app parameters). Values compare as text, the way
    the rack stores them (``BuildCpu: 256`` equals ``"256"``).
    """

    def __init__(self, values=None, remove=(), purge=False, drop_empty=False):
        self.values = dict((str(key), as_text(value)) for key, value in (values or {}).items())
        self.remove = tuple(str(key) for key in remove or ())
        self.purge = purge
        self.drop_empty = drop_empty

    def _normalized(self, mapping):
        mapping = dict((str(key), as_text(value)) for key, value in (mapping or {}).items())
        if self.drop_empty:
            mapping = dict((key, value) for key, value in mapping.items() if value != '')
        return mapping

    def resolve(self, current):
        """The whole map once this update is applied to ``current``."""
        result = {} if self.purge else self._normalized(current)
        result.update(self.values)
        for key in self.remove:
            result.pop(key, None)
        return self._normalized(result)

    def holds_in(self, mapping):
        """True when ``mapping`` shows this update: every value set, every removed key gone, and
        with ``purge`` nothing else. Other keys (someone else's) do not matter otherwise."""
        mapping = self._normalized(mapping)
        wanted = self._normalized(self.values)
        if self.purge:
            return mapping == wanted
        return all(mapping.get(key) == value for key, value in wanted.items()) and \
            not any(key in mapping for key in self.remove if key not in wanted)


class Field:
    """One property a module manages: how to read it from the rack's object and compare it.

    ``read(obj)`` returns the rack's value (default ``obj.get(name)``); ``normalize`` turns both
    sides into comparable values (for example ``int``); ``secret`` hides values in the diff:
    True hides the whole value (every entry of a map), a callable ``secret(key, value)`` hides
    only the map entries it is true for, before or after (a map that mixes plain settings and
    credentials, such as a resource's parameters).
    """

    def __init__(self, name, read=None, normalize=None, secret=False):
        self.name = name
        self._read = read
        self._normalize = normalize
        self.secret = secret

    def hides(self, key, *values):
        """Whether the diff hides the map entry ``key`` holding any of ``values``."""
        if callable(self.secret):
            return any(self.secret(key, value) for value in values if value is not None)
        return bool(self.secret)

    def read(self, obj):
        if obj is None:
            return None
        if self._read is not None:
            return self._read(obj)
        return obj.get(self.name)

    def normalize(self, value):
        if value is None or self._normalize is None:
            return value
        return self._normalize(value)


class FieldChange:
    """How one field differs: ``before`` and ``after`` values, and for maps the key names."""

    def __init__(self, name, before, after, added=(), changed=(), removed=()):
        self.name = name
        self.before = before
        self.after = after
        self.added = sorted(added)
        self.changed = sorted(changed)
        self.removed = sorted(removed)

    def __repr__(self):
        return 'FieldChange(%r, added=%r, changed=%r, removed=%r)' % (self.name, self.added, self.changed, self.removed)


class Plan:
    """What it takes to get from the rack's object to the desired state.

    ``action`` is ``create``, ``update``, ``delete`` or None (nothing to do); ``changes`` maps
    field names to ``FieldChange``; ``desired`` holds every given field's whole desired value
    (maps resolved against the current one), which is what a write sends.
    """

    def __init__(self, fields, current, updates, present):
        self.fields = fields
        self.current = current
        self.present = present
        self.updates = updates
        self.desired = {}
        self.changes = {}
        for field in fields:
            update = updates.get(field.name)
            if update is None:
                continue
            before = field.normalize(field.read(current))
            if isinstance(update, MapUpdate):
                after = update.resolve(before)
                self.desired[field.name] = after
                change = _map_change(field.name, update._normalized(before), after)
            else:
                after = field.normalize(update)
                self.desired[field.name] = after
                change = FieldChange(field.name, before, after) if current is None or before != after else None
            if change is not None and (current is None or change.before != change.after):
                self.changes[field.name] = change
        if not present:
            self.action = DELETE if current is not None else None
        elif current is None:
            self.action = CREATE
        else:
            self.action = UPDATE if self.changes else None

    @property
    def changed(self):
        return self.action is not None

    def differs(self, name):
        """True when the field ``name`` was given and differs from what the rack has."""
        return name in self.changes

    def unmet(self, obj, fields=None):
        """The names of the given fields that ``obj`` (the rack's object after the write) does not show.

        ``fields`` limits the check to these field names (by default every given field).
        """
        if not self.present:
            return [] if obj is None else ['state']
        if obj is None:
            return ['state']
        missing = []
        for field in self.fields:
            update = self.updates.get(field.name)
            if update is None or (fields is not None and field.name not in fields):
                continue
            actual = field.normalize(field.read(obj))
            if isinstance(update, MapUpdate):
                if not update.holds_in(actual):
                    missing.append(field.name)
            elif actual != field.normalize(update):
                missing.append(field.name)
        return missing

    def diff(self, presence=True):
        """``{'before': ..., 'after': ...}`` of the given fields, secret values hidden.

        With ``presence`` both sides also say ``state: present`` or ``absent`` (for modules
        that create and delete; a module that only updates an existing object passes False).
        """
        before, after = {}, {}
        if presence:
            before['state'] = 'present' if self.current is not None else 'absent'
            after['state'] = 'present' if self.present else 'absent'
        for field in self.fields:
            if field.name not in self.updates or self.updates[field.name] is None:
                continue
            old = field.normalize(field.read(self.current)) if self.current is not None else None
            new = self.desired.get(field.name) if self.present else None
            old, new = _masked(field, old, new, self.changes.get(field.name))
            if self.current is not None:
                before[field.name] = old
            if self.present:
                after[field.name] = new
        return dict(before=before, after=after)


def _map_change(name, before, after):
    before = before or {}
    added = [key for key in after if key not in before]
    changed = [key for key in after if key in before and before[key] != after[key]]
    removed = [key for key in before if key not in after]
    if not (added or changed or removed):
        return None
    return FieldChange(name, before, after, added, changed, removed)


def _masked(field, old, new, change):
    if not field.secret:
        return old, new
    if isinstance(old, dict) or isinstance(new, dict):
        changed = set(change.changed) if change is not None else set()
        before, after = old or {}, new or {}
        hidden = set(key for key in set(before) | set(after) if field.hides(key, before.get(key), after.get(key)))

        def hide(mapping, marker):
            return dict((key, (marker if key in changed else HIDDEN) if key in hidden else value) for key, value in mapping.items())

        return (hide(old, HIDDEN_BEFORE) if old is not None else None), (hide(new, HIDDEN_AFTER) if new is not None else None)
    if callable(field.secret):
        # A per-entry rule on a value that is not a map: hide it when the rule holds for it.
        if not field.hides(None, old, new):
            return old, new
    if change is not None and old is not None and new is not None:
        return HIDDEN_BEFORE, HIDDEN_AFTER
    return (HIDDEN if old is not None else None), (HIDDEN if new is not None else None)


def as_text(value):
    """A value as the rack stores it in a map: text (booleans as ``true``/``false``, None as empty)."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


class DesiredState:
    """Plans a module's change, runs its writes outside check mode, and builds its result.

    ``module`` is the ``ConvoxModule``; ``fields`` the ``Field`` list it manages; ``presence``
    says whether the module creates and deletes (the diff then shows ``state``).

    ``facts`` is the dict the module fills as it goes (the object, ids it made); pass it to
    ``module.api_errors`` so that a failure half-way reports them, with ``changed: true`` from
    the first write on (the rack may have acted). ``result()`` is the success result.
    """

    def __init__(self, module, fields, presence=True):
        self.module = module
        self.fields = fields
        self.presence = presence
        self.last_plan = None
        self.facts = dict(changed=False)
        self._other_change = False

    def plan(self, current, updates, present=True):
        """Compare ``current`` (None when absent) with ``updates`` (field name to value or MapUpdate)."""
        self.last_plan = Plan(self.fields, current, dict(updates), present)
        return self.last_plan

    def write(self, call, *args, **kwargs):
        """Run one write, unless in check mode (then return None)."""
        if self.module.check_mode:
            return None
        changed_before, self.facts['changed'] = self.facts['changed'], True
        try:
            return call(*args, **kwargs)
        except ConvoxError as error:
            if not error.may_have_acted:
                # Refused by the rack, or never sent: this write changed nothing.
                self.facts['changed'] = changed_before
            raise

    def changed_outside_plan(self):
        """Record a change the field plan does not describe (an action such as a cancel or a restart)."""
        self._other_change = True

    @property
    def changed(self):
        return (self.last_plan is not None and self.last_plan.changed) or self._other_change

    def verify(self, obj, what, fields=None):
        """Fail when the rack's object after the writes does not show every given field.

        ``what`` names the object in the message (``app myapp``). ``fields`` limits the check to
        these field names, for a module whose fields live in more than one rack object (each
        read back on its own). Nothing to check in check mode.
        """
        if self.module.check_mode or self.last_plan is None:
            return
        unmet = self.last_plan.unmet(obj, fields)
        if unmet:
            raise ConvoxStateError('%s does not show the requested %s after the update; the rack did not apply %s'
                                   % (what, ', '.join(unmet), 'it' if len(unmet) == 1 else 'them'))

    def failure(self, **extra):
        """The facts and ``extra`` for a failed task: ``changed`` is whether a write was sent."""
        result = dict(self.facts)
        result.update(extra)
        return result

    def result(self, **extra):
        """The facts and ``extra``, with ``changed`` (predicted in check mode) and, in diff mode, ``diff``."""
        result = dict(self.facts)
        result.update(extra)
        result['changed'] = self.changed
        if self.last_plan is not None and self.module._diff:
            result['diff'] = self.last_plan.diff(self.presence)
        return result


def read_or_none(call, *args, **kwargs):
    """The object ``call`` reads, or None when the rack answers that it does not exist (404).

    The router's 404 for a path that is no API route (an older rack, a typo) is not "absent": it is raised.
    """
    try:
        return call(*args, **kwargs)
    except ConvoxNotFoundError as error:
        if error.unrouted:
            raise
        return None


# How a v3 rack words a missing custom resource (a raw Kubernetes error, answered with 500).
_KUBERNETES_NOT_FOUND = re.compile(r'^[a-z0-9.-]+ "[^"]*" not found$')


def is_missing_id(error):
    """True when an error says the id asked for does not exist: 404, or v3's 500 ``<kind>.convox.com "<id>" not found``."""
    if isinstance(error, ConvoxNotFoundError):
        return True
    return isinstance(error, ConvoxServerError) and bool(_KUBERNETES_NOT_FOUND.match(error.message or ''))


def find_listed(listed, ident, limit, call, *args, **kwargs):
    """An object by id from a list call's answer, or read alone when the list may have cut it off.

    ``listed`` is what the list call returned with ``limit``; objects match on ``id`` (case-insensitive,
    as racks look ids up). When it is absent from a full list, ``call(*args)`` reads it; None when
    the rack does not know it (v3 racks answer a missing release or build id with a 500, so
    existence is checked in the list first and only then by that answer).
    """
    wanted = str(ident).upper()
    for item in listed or []:
        if str(item.get('id', '')).upper() == wanted:
            return item
    if len(listed or []) < limit:
        return None
    try:
        return call(*args, **kwargs)
    except ConvoxError as error:
        if is_missing_id(error):
            return None
        raise
