# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""The module wrapper: connection options, one client per run, and clean failures."""

from __future__ import annotations

import copy
from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.convox.convox.plugins.module_utils._client import ConvoxClient
from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxAPIError, ConvoxError, secret_forms
from ansible_collections.convox.convox.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.convox.convox.plugins.module_utils._wait import WAIT_ARGSPEC, Waiter, check_wait_options
from ansible_collections.convox.convox.plugins.module_utils._websocket import HAS_WEBSOCKET, WEBSOCKET_IMPORT_ERROR, WEBSOCKET_LIBRARY
from ansible_collections.convox.convox.plugins.module_utils._connection import (
    CONNECTION_ARGSPEC,
    resolve_connection,
    url_secret_forms,
)


class ConvoxModule(AnsibleModule):
    """An AnsibleModule that takes the shared connection options and owns one API client.

    Modules declare only their own options; ``client`` is created on first use so that
    argument errors fail before any credential is looked up.
    """

    def __init__(self, argument_spec=None, wait=False, any_case=(), secret_params=None, websockets=False, **kwargs):
        """``wait=True`` adds the wait options (``WAIT_ARGSPEC``; the doc fragment ``convox.convox.wait``).

        ``any_case`` names options whose value matches its ``choices`` in any case (``method: get``
        is ``GET``, as in ansible.builtin.uri); the choices themselves stay in the argspec and docs.

        ``secret_params(params)`` returns the secrets found inside options that are not ``no_log``
        as a whole (a password inside a URL in a dict of settings). They are masked in the arguments
        as Ansible logs and returns them (``invocation``) and everywhere in a failed task's result,
        but not in a successful result - which returns what the rack reports, credentials
        included, when that is what the module is for (a resource's URL). It also gets the raw
        arguments of a task that fails validation, so it must not assume their types.

        ``websockets=True`` is for modules that use the rack's websocket routes (exec, logs): they fail at
        once, before any request, when websocket-client is missing; other modules never need it.
        """
        spec = copy.deepcopy(CONNECTION_ARGSPEC)
        if wait:
            spec.update(copy.deepcopy(WAIT_ARGSPEC))
        spec.update(argument_spec or {})
        self._any_case = tuple(any_case)
        self._shape_errors = []
        # Set before AnsibleModule.__init__, which logs the arguments (and may fail on them).
        self._secret_params = secret_params
        # Secret values the module lets show in its diff (reveal_in_diff), and only there.
        self._revealed_in_diff = set()
        super().__init__(argument_spec=spec, **kwargs)
        if self._shape_errors:
            self.fail_json(msg='; '.join(self._shape_errors))
        if wait:
            # Checked before any request: a task whose wait options are out of bounds must not write
            # (create an app, send a scale) and only then fail when it comes to waiting, and a run that
            # changes nothing must not accept any value.
            try:
                check_wait_options(self.params['wait_timeout'], self.params.get('wait_interval'))
            except ConvoxError as error:
                self.fail_json(msg=str(error), changed=False)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        if websockets and not HAS_WEBSOCKET:
            self.fail_json(msg=missing_required_lib(WEBSOCKET_LIBRARY), exception=WEBSOCKET_IMPORT_ERROR)
        self._client = None
        self._returned_secrets = {}

    def _load_params(self):
        """Read the arguments, then fix up what ansible-core's validation would mishandle.

        AnsibleModule calls this before it validates. ansible-core crashes with a TypeError
        when a dict option with suboptions gets a value that is not a dict (``retries: 5``):
        such a value is taken out here and reported as a clean failure after validation.
        """
        super()._load_params()
        for name, option in self.argument_spec.items():
            names = [name] + list(option.get('aliases') or ())
            for given in (key for key in names if key in self.params):
                value = self.params[given]
                if name in self._any_case and isinstance(value, str):
                    self.params[given] = _choice_in_any_case(value, option.get('choices') or ())
                elif option.get('options') and value is not None and not _dict_shaped(value, option):
                    self._shape_errors.append(_shape_error(given, value, option))
                    del self.params[given]

    @property
    def client(self):
        if self._client is None:
            settings = resolve_connection(self.params)
            # A key read from RACK_URL or the CLI settings is not a no_log option value,
            # so Ansible would not know to mask it: register it like one.
            self.no_log_values.update(settings.secret_values())
            self._client = ConvoxClient(settings, warn=self.warn, debug=self.debug)
        return self._client

    def waiter(self):
        """A Waiter bounded by the task's ``wait_timeout`` (and ``wait_interval``, when given)."""
        try:
            return Waiter(self.params['wait_timeout'], self.params.get('wait_interval'), debug=self.debug)
        except ConvoxError as error:
            self.fail_from_error(error)

    def register_secrets(self, values):
        """Mask these values wherever they would appear in the result, warnings or logs.

        For values that are not no_log options: env values read from the rack, a minted token.
        Empty values are skipped (masking the empty string would mask everything).
        """
        self.no_log_values.update(str(value) for value in values if value not in (None, ''))

    def return_secret(self, key, value):
        """Return ``value`` under ``key`` of the success result, and mask it everywhere else.

        For a secret the task exists to produce (a minted token): a value registered with
        ``register_secrets`` would be masked in the returned key too, so the next task could not
        use it. This one is masked in warnings, in every other key and in failures, and returned
        as it is under ``key`` only. Such a module needs an action plugin that marks the result
        ``_ansible_no_log``, so that the callbacks do not print it (``register`` still keeps it).
        """
        self.register_secrets([value])
        self._returned_secrets[key] = value

    def _with_returned_secrets(self, result):
        """The result masked as AnsibleModule masks it, plus the returned secrets as they are.

        AnsibleModule masks the result once more when it writes it, with ``no_log_values``: so the
        returned secrets, and any other secret that happens to occur inside one (a short password
        inside a token), are taken out of that set, everything having been masked here already.
        """
        if not getattr(self, '_returned_secrets', None):
            return result
        preserved = dict((key, value) for key, value in result.items() if value is None or isinstance(value, bool))
        if 'invocation' not in result:
            # What AnsibleModule would add (when it adds one), masked while the set is whole.
            result = dict(result, invocation=dict(module_args=self.params))
        # Longest first: a secret inside another must not be replaced first and leave the rest of that one.
        masked = remove_values(result, sorted(self.no_log_values, key=len, reverse=True))
        masked.update(preserved)
        for key, value in self._returned_secrets.items():
            masked[key] = value
            self.no_log_values.difference_update([secret for secret in list(self.no_log_values) if secret in str(value)])
        return masked

    def reveal_in_diff(self, values):
        """Let these secret values show in the result's ``diff``, and nowhere else.

        For an option that asks to see values the module otherwise hides (``diff_values``):
        the rest of the result, its warnings and the invocation stay masked, and a value that
        is also a connection secret (the API key) stays masked in the diff too.
        """
        self._revealed_in_diff.update(str(value) for value in values if value not in (None, ''))

    def _connection_secrets(self):
        params = getattr(self, 'params', None) or {}
        secrets = set(secret_forms(params['api_key'])) if isinstance(params.get('api_key'), str) else set()
        if isinstance(params.get('host'), str):
            secrets.update(url_secret_forms(params['host']))
        client = getattr(self, '_client', None)
        if client is not None:
            secrets.update(client.settings.secret_values())
        return secrets

    def _mask_all_but_the_diff(self, result):
        """Mask the result except its diff now, then stop masking the revealed values (see reveal_in_diff)."""
        diff = result.pop('diff')
        masked = remove_values(result, self.no_log_values)
        # AnsibleModule adds the invocation later (when asked to): mask it now, like the rest.
        masked.setdefault('invocation', dict(module_args=remove_values(self.params, self.no_log_values)))
        self.no_log_values.difference_update(self._revealed_in_diff - self._connection_secrets())
        masked['diff'] = diff
        return masked

    def warn(self, warning, **kwargs):
        # Masked when issued: a value revealed in the diff, or returned on purpose (return_secret), is later
        # taken out of the values the result writer masks, and a warning must not show it. Longest first, so
        # that a secret inside another is not replaced first, leaving the rest of that one.
        values = sorted(getattr(self, 'no_log_values', ()), key=len, reverse=True)
        super().warn(remove_values(warning, values), **kwargs)

    def _mask_host_credentials(self):
        """A password typed into ``host`` (``https://convox:<pw>@rack``) is not a no_log option:
        register it before AnsibleModule logs or returns the arguments."""
        host = (getattr(self, 'params', None) or {}).get('host')
        if isinstance(host, str):
            self.no_log_values.update(url_secret_forms(host))

    def _argument_secrets(self):
        """What ``secret_params`` finds in the arguments (an empty set without it, or for arguments it cannot read)."""
        finder = getattr(self, '_secret_params', None)
        if finder is None:
            return set()
        try:
            found = list(finder(getattr(self, 'params', None) or {}))
        except (AttributeError, KeyError, TypeError, ValueError):
            # Arguments of the wrong type fail validation; they hold no value to find.
            return set()
        return set(str(value) for value in found if value not in (None, ''))

    def _log_invocation(self):
        # AnsibleModule logs the arguments here, before any module code runs.
        self._mask_host_credentials()
        extra = self._argument_secrets() - self.no_log_values
        self.no_log_values.update(extra)
        try:
            super()._log_invocation()
        finally:
            # Only for the log line: a successful result may return them (see __init__).
            self.no_log_values.difference_update(extra)

    def _finish(self, result):
        self._mask_host_credentials()
        # Argument errors fail inside AnsibleModule.__init__, before _client exists.
        client = getattr(self, '_client', None)
        result.setdefault('api_retries', client.retry_count if client is not None else 0)
        if client is not None:
            client.close()
        return result

    def exit_json(self, **kwargs):
        result = self._finish(kwargs)
        secrets = self._argument_secrets()
        if secrets and 'invocation' not in result:
            # The arguments as Ansible returns them (when it does), with the argument secrets masked there only.
            result['invocation'] = dict(module_args=remove_values(self.params, self.no_log_values | secrets))
        if getattr(self, '_revealed_in_diff', None) and 'diff' in result:
            result = self._mask_all_but_the_diff(result)
        super().exit_json(**self._with_returned_secrets(result))

    def fail_json(self, msg, **kwargs):
        # A failed task returns no secret (those returned on success stay masked), and shows no argument
        # secret anywhere (a rack's error message may quote a URL it refused).
        self._returned_secrets = {}
        self.register_secrets(self._argument_secrets())
        super().fail_json(msg=msg, **self._finish(kwargs))

    def fail_from_error(self, error, **result):
        """Fail the task with everything useful about a client error and nothing secret.

        The client guarantees that its messages carry no credential or env value,
        so the message and the request facts can be returned as they are.
        """
        if isinstance(error, ConvoxAPIError):
            facts = dict(status_code=error.status_code, request_id=error.request_id, method=error.method, path=error.path)
            result.update((key, value) for key, value in facts.items() if value is not None)
        result.update(error.facts)
        self.fail_json(msg=str(error), **result)

    @contextmanager
    def api_errors(self, result=None):
        """Turn any client error raised in the block into a clean ``fail_json``.

        ``result`` is the dict the module fills as it goes (for example ``changed``);
        it is read at failure time, so a failure half-way still tells what was done.
        """
        try:
            yield
        except ConvoxError as error:
            self.fail_from_error(error, **(result or {}))


def _choice_in_any_case(value, choices):
    """The choice ``value`` names, ignoring case; the value itself when none does (validation then refuses it)."""
    for choice in choices:
        if isinstance(choice, str) and choice.lower() == value.lower():
            return choice
    return value


def _dict_shaped(value, option):
    """Whether ansible-core can read ``value`` as the option's dict (or list of dicts) of suboptions."""
    def is_dict(item):
        try:
            return isinstance(check_type_dict(item), dict)
        except (TypeError, ValueError):
            return False
    if option.get('type') == 'list':
        return isinstance(value, (list, str)) and all(is_dict(item) for item in (value if isinstance(value, list) else [value]))
    return is_dict(value)


def _shape_error(name, value, option):
    keys = ', '.join(sorted(option['options']))
    shape = 'a list of dicts' if option.get('type') == 'list' else 'a dict'
    return '%s must be %s with the keys %s, not %s' % (name, shape, keys, type(value).__name__)


def snake_keys(value, opaque=('parameters', 'outputs', 'env', 'environment', 'labels')):
    """Return API JSON with ``-`` in keys turned into ``_`` (Jinja's dot notation needs identifiers).

    Maps whose keys are user data (app parameters, env, labels) are copied unchanged.
    """
    if isinstance(value, dict):
        return dict(
            (key.replace('-', '_'), item if key in opaque else snake_keys(item, opaque))
            for key, item in value.items()
        )
    if isinstance(value, list):
        return [snake_keys(item, opaque) for item in value]
    return value
