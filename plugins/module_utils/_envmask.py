# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The Convox CLI's env mask: the app config ``cli-env-mask`` lists env keys shown as ``****``.

``convox env mask set/unset`` keep the list (comma-separated key names, sorted, at most 500) in
the app config ``cli-env-mask``; ``convox env`` then shows those keys' values as ``****`` unless
``--reveal``. The collection follows the same list::

    masked = read_masked_keys(client, 'myapp')              # set(); 1 request
    shown = mask_env(env, masked)                           # a copy, masked values '****'
    keys = updated_masked_keys(masked, add=['TOKEN'])       # sorted list (None: nothing changes)
    wanted = desired_masked_keys(masked, add=['TOKEN'])     # the whole sorted list, changed or not
    if keys is not None:
        write_masked_keys(client, 'myapp', keys)           # 1 request

Unlike the CLI, which treats any failure to read the list as "nothing masked", only a missing
list (the config does not exist, or the rack has no app configs) reads as empty here; any other
failure raises, so values are never revealed because a read failed. A task about to change the
list reads it with ``for_update=True``: a rack without app configs then fails, before any write,
instead of reading as empty.
"""

from __future__ import annotations

from ansible_collections.convox.convox.plugins.module_utils._api_configs import ConvoxConfigsUnsupported
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, ConvoxNotFoundError, shown

MASK_CONFIG = 'cli-env-mask'
MASK = '****'
# The CLI refuses more (convox env mask set).
MAX_MASKED_KEYS = 500


def parse_masked_keys(text):
    """The key set of the config's value: comma-separated, spaces around keys trimmed, empty items dropped."""
    return set(key.strip() for key in (text or '').strip().split(',') if key.strip())


def encode_masked_keys(keys):
    """The config value for a key collection: sorted, comma-joined (as the CLI writes it)."""
    return ','.join(sorted(set(keys)))


def check_masked_keys(keys):
    """Refuse key names the CLI refuses: empty, holding whitespace, '=' or control characters. Returns a sorted list."""
    checked = set()
    for key in keys:
        name = key if isinstance(key, str) else str(key)
        if not name or '=' in name or ',' in name or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in name):
            raise ConvoxConfigError('invalid masked env key %s: key names must be non-empty, without whitespace, "=", "," or '
                                    'control characters' % shown(name))
        checked.add(name)
    if len(checked) > MAX_MASKED_KEYS:
        raise ConvoxConfigError('too many masked env keys (at most %d, got %d)' % (MAX_MASKED_KEYS, len(checked)))
    return sorted(checked)


def read_masked_keys(client, app, for_update=False):
    """The app's masked env keys as a set (empty when the app has no mask, or the rack no app configs).

    Raises the client's error for any other failure (auth, a 500, no connection). With
    ``for_update`` (the caller is about to change the mask), a rack without app configs raises
    ``ConvoxConfigsUnsupported`` too, saying that no mask can be kept there.
    """
    try:
        config = client.app_config_get(app, MASK_CONFIG)
    except ConvoxConfigsUnsupported as error:
        if not for_update:
            return set()
        raise ConvoxConfigsUnsupported(error.status_code, error.message, error.request_id, error.method, error.path,
                                       hint='the env mask (%s) cannot be kept on it' % MASK_CONFIG) from None
    except ConvoxNotFoundError:
        return set()
    return parse_masked_keys((config or {}).get('value'))


def write_masked_keys(client, app, keys):
    """Replace the app's mask with ``keys`` (checked first); returns the value written."""
    value = encode_masked_keys(check_masked_keys(keys))
    client.app_config_set(app, MASK_CONFIG, value)
    return value


def updated_masked_keys(current, add=(), remove=(), exact=None):
    """The mask after a change, as a sorted list, or None when it would not change.

    ``exact`` (a collection) replaces the whole list; otherwise ``add`` keys join it and ``remove``
    keys leave it (a key in both is added). The keys given are checked (``check_masked_keys``);
    keys already on the rack are kept as they are.
    """
    current = set(current)
    if exact is not None:
        wanted = set(check_masked_keys(exact))
    else:
        wanted = (current - set(remove)) | set(check_masked_keys(add))
    if wanted == current:
        return None
    if len(wanted) > MAX_MASKED_KEYS:
        raise ConvoxConfigError('too many masked env keys (at most %d, got %d)' % (MAX_MASKED_KEYS, len(wanted)))
    return sorted(wanted)


def desired_masked_keys(current, add=(), remove=(), exact=None):
    """The whole mask after a change (``updated_masked_keys``), as a sorted list, whether or not it changes."""
    updated = updated_masked_keys(current, add=add, remove=remove, exact=exact)
    return sorted(current) if updated is None else updated


def mask_env(env, masked_keys, mask=MASK):
    """A copy of ``env`` with the values of ``masked_keys`` replaced by ``mask`` (other values as they are)."""
    masked_keys = set(masked_keys)
    return dict((key, mask if key in masked_keys else value) for key, value in (env or {}).items())
