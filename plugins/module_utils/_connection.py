# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

# FOR INTERNAL COLLECTION USE ONLY.
# The interfaces in this file are meant for use within the convox.convox collection
# and may not remain stable to outside uses. Changes may be made in ANY release, even a bugfix release.

"""Connection options and how they resolve to one rack endpoint with credentials.

Every module takes ``CONNECTION_ARGSPEC``; plugins pass the same option names, read through
their config manager. ``resolve_connection(options)`` turns them into ``ConnectionSettings``,
field by field, first match wins:

* host: option ``host`` -> ``$CONVOX_HOST`` -> ``$RACK_URL`` -> CLI ``racks/<rack>`` (a direct rack URL)
  -> CLI ``console`` (v3) or ``host`` (v2) file.
* rack: option ``rack`` -> ``$CONVOX_RACK`` -> CLI ``rack`` file -> CLI ``current`` (``{"name", "type"}``).
  A rack that is neither empty nor the host itself means console mode: every request
  carries ``Rack: <rack>``. A rack reached through ``RACK_URL`` or ``racks/<name>`` is direct.
* host, when nothing else names one and ``rack`` is ``ORG/RACK``: ``console.convox.com``.
* API key: option ``api_key`` -> the password in the URL the host came from (``RACK_URL``,
  ``racks/<name>``, or ``host`` itself: a URL that names a rack also says who we are there, so a
  key from the environment is never sent to it) -> ``$CONVOX_PASSWORD`` -> the password in
  ``RACK_URL`` when it names the same host -> CLI ``auth`` JSON (host -> key).
* user: option ``api_user`` -> the user in the URL the key came from -> ``convox``.
* CLI settings directory: option ``config_dir`` -> ``$CONVOX_CONFIG`` -> ``$XDG_CONFIG_HOME/convox``
  (``~/.config/convox``) -> on macOS ``~/Library/Preferences/convox`` -> the v2 CLI's
  ``$XDG_CONFIG_HOME/convox2`` (on macOS ``~/Library/Preferences/convox2``) -> its older ``~/.convox``;
  the first that exists.

Modules get CONVOX_HOST, CONVOX_RACK and CONVOX_CONFIG through the argspec's ``env_fallback``;
plugins pass already resolved options, so the resolver applies the same variables to options
left unset: one place. CONVOX_PASSWORD is only read here (see ``api_key`` above).
"""

from __future__ import annotations

import json
import os
import re
import ssl
import sys
from urllib.parse import unquote, urlsplit

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.convox.convox.plugins.module_utils._errors import ConvoxConfigError, secret_forms
from ansible_collections.convox.convox.plugins.module_utils._settings import (
    DEFAULT_TIMEOUT,
    DEFAULT_USER,
    RETRY_DEFAULTS,
    ConnectionSettings,
    RetrySettings,
)

__all__ = ('CONNECTION_ARGSPEC', 'ConnectionSettings', 'RetrySettings', 'resolve_connection')

ENV_HOST = 'CONVOX_HOST'
ENV_PASSWORD = 'CONVOX_PASSWORD'
ENV_RACK = 'CONVOX_RACK'
ENV_CONFIG = 'CONVOX_CONFIG'
ENV_RACK_URL = 'RACK_URL'
ENV_ACTOR = 'CONVOX_ACTOR'
DEFAULT_CONSOLE_HOST = 'console.convox.com'

CONNECTION_ARGSPEC = dict(
    host=dict(type='str', fallback=(env_fallback, [ENV_HOST])),
    # No env_fallback: the resolver reads CONVOX_PASSWORD itself, because a key from the environment
    # must not be paired with the host of a RACK_URL that carries its own password (it would send a
    # console deploy key to a rack). Modules register the resolved key in no_log_values.
    api_key=dict(type='str', aliases=['password'], no_log=True),
    # Not a secret: the basic auth user name; `jwt` when api_key is a JWT minted by POST /system/jwt/token.
    api_user=dict(type='str', no_log=False),
    rack=dict(type='str', fallback=(env_fallback, [ENV_RACK])),
    config_dir=dict(type='path', fallback=(env_fallback, [ENV_CONFIG])),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='float', default=DEFAULT_TIMEOUT),
    retries=dict(
        type='dict',
        options=dict(
            max_retries=dict(type='int', default=RETRY_DEFAULTS['max_retries']),
            backoff_base=dict(type='float', default=RETRY_DEFAULTS['backoff_base']),
            backoff_max=dict(type='float', default=RETRY_DEFAULTS['backoff_max']),
            retry_on_500=dict(type='bool', default=RETRY_DEFAULTS['retry_on_500']),
        ),
    ),
)

# Direct rack files are looked up by name under racks/: a name must not walk out of it.
_RACK_FILE_NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9._-]*\Z')
# Settings files are small; a huge one is not a settings file.
_MAX_SETTINGS_FILE = 1024 * 1024


_HOST_LABEL = re.compile(r'^[A-Za-z0-9_-]{1,63}\Z')
_ENCODE_HINT = (' (a password in it must be percent-encoded: / is %2F, @ is %40, : is %3A; '
                'or pass it as `api_key`)')


def _valid_hostname(hostname):
    """An IP literal, or DNS labels that IDNA can encode (no empty label, as in `a..b`)."""
    if ':' in hostname:  # an IPv6 literal, already bracket-checked by urlsplit
        return True
    try:
        ascii_name = hostname.rstrip('.').encode('idna').decode('ascii')
    except UnicodeError:
        return False
    return all(_HOST_LABEL.match(label) for label in ascii_name.split('.'))


def _misread_credentials(url, parts):
    """True when an '@' follows the host part of ``url`` (which has a scheme): a password holding
    '/', '?' or '#' that was not percent-encoded, so the URL does not say what was meant."""
    return '@' in url.partition('://')[2][len(parts.netloc):]


def _has_control_or_space(text):
    return any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text)


def url_secret_forms(text):
    """The forms of a password embedded in a host or URL (``https://convox:<pw>@host``), for masking.

    Used before any request, so that a credential typed into ``host`` is masked in a module's
    logged and returned arguments even when the task fails early. A password that is not
    percent-encoded (``convox:p/w@ss:x@host``), or one holding a line break (which urlsplit drops), does not
    parse as written: then everything between ``://`` and the last ``@`` is taken for the credentials, and
    masked whole and from its first ``:``.
    """
    if not isinstance(text, str):
        return ()
    url = text.strip() if '://' in text else 'https://' + text.strip()
    forms = set()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that does not parse: the URL was not read as written
    except ValueError:
        parts = None
    if parts is not None and not _misread_credentials(url, parts) and not _has_control_or_space(url):
        if parts.password:
            forms.update(secret_forms(unquote(parts.password)) + secret_forms(parts.password))
    else:
        userinfo = url.partition('://')[2].rpartition('@')[0]
        for value in (userinfo, userinfo.partition(':')[2]):
            if value:
                forms.update(secret_forms(value) + secret_forms(unquote(value)))
    return tuple(sorted(forms, key=len, reverse=True))


class _Endpoint:
    """A parsed host or URL: the base URL without credentials, plus the credentials it carried."""

    def __init__(self, text, what):
        text = text.strip()
        # The text may hold a password (RACK_URL): messages below describe it, never quote it.
        if _has_control_or_space(text):
            # urlsplit drops tabs and line breaks without a word (`exa\nmple.com` would reach example.com),
            # and no part of a URL may hold a space: refuse the text instead of reading another host from it.
            raise ConvoxConfigError('%s holds a space, a line break or another control character: a host or URL cannot%s'
                                    % (what, _ENCODE_HINT if '@' in text else ''))
        if '://' not in text:
            text = 'https://' + text
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError:
            raise ConvoxConfigError('%s is not a valid host or URL%s' % (what, _ENCODE_HINT if '@' in text else '')) from None
        if _misread_credentials(text, parts):
            raise ConvoxConfigError('%s is not a valid host or URL%s' % (what, _ENCODE_HINT))
        if port == 0:
            raise ConvoxConfigError('%s has an invalid port' % what)
        if parts.scheme not in ('http', 'https'):
            raise ConvoxConfigError('%s must use http:// or https://' % what)
        if not parts.hostname or parts.query or parts.fragment:
            raise ConvoxConfigError('%s must be a host name or a URL without query or fragment' % what)
        if not _valid_hostname(parts.hostname):
            raise ConvoxConfigError('%s has an invalid host name' % what)
        self.netloc = parts.netloc.rpartition('@')[2]
        self.hostname = parts.hostname
        self.base_url = '%s://%s%s' % (parts.scheme, self.netloc, parts.path.rstrip('/'))
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.what = what

    def auth_keys(self):
        """The names under which the CLI's auth file may hold this host's key, most exact first."""
        return (self.netloc.lower(), self.hostname.lower(), self.base_url.lower())


class _CliSettings:
    """The Convox CLI's settings directory, read lazily and defensively.

    Error messages name the file and never its contents: these files hold credentials.
    """

    def __init__(self, directory):
        self.directory = directory

    def path(self, *names):
        return os.path.join(self.directory, *names)

    def _read_text(self, *names):
        path = self.path(*names)
        if not os.path.isfile(path):
            return None
        try:
            if os.path.getsize(path) > _MAX_SETTINGS_FILE:
                raise ConvoxConfigError('the Convox CLI settings file %s is too large to be a settings file' % path)
            with open(path, 'rb') as handle:
                return handle.read().decode('utf-8').strip() or None
        except OSError as exc:
            raise ConvoxConfigError('cannot read the Convox CLI settings file %s: %s' % (path, exc.strerror or type(exc).__name__)) from None
        except UnicodeDecodeError:
            raise ConvoxConfigError('the Convox CLI settings file %s is not UTF-8 text' % path) from None

    def _read_json(self, name, expected_type, shape):
        text = self._read_text(name)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise ConvoxConfigError('the Convox CLI settings file %s is not valid JSON' % self.path(name)) from None
        if not isinstance(value, expected_type):
            raise ConvoxConfigError('the Convox CLI settings file %s should hold %s' % (self.path(name), shape))
        return value

    def auth_key(self, endpoint):
        """The key stored by ``convox login`` for this host, or None."""
        auth = self._read_json('auth', dict, 'a JSON object of host to key')
        if not auth:
            return None
        by_host = dict((str(host).strip().rstrip('/').lower(), key) for host, key in auth.items())
        for name in endpoint.auth_keys():
            key = by_host.get(name)
            if key is None and '://' not in name:
                key = by_host.get('https://' + name)
            if key is not None:
                if not isinstance(key, str):
                    raise ConvoxConfigError('the entry for %s in the Convox CLI settings file %s is not a string'
                                            % (endpoint.hostname, self.path('auth')))
                return key or None
        return None

    def console_host(self):
        """The console (or v2 rack) host the CLI logged in to, and the file it came from."""
        for name in ('console', 'host'):
            host = self._read_text(name)
            if host:
                return host, self.path(name)
        return None, None

    def selected_rack(self):
        """The rack chosen with ``convox switch``: the legacy ``rack`` file, then ``current``, as the CLI reads them."""
        rack = self._read_text('rack')
        if rack:
            return rack
        current = self._read_json('current', dict, 'a JSON object with "name" and "type"')
        if current:
            name = current.get('name')
            if name is not None and not isinstance(name, str):
                raise ConvoxConfigError('the Convox CLI settings file %s has a "name" that is not a string' % self.path('current'))
            return name or None
        return None

    def rack_url(self, name):
        """The URL in ``racks/<name>`` (a direct rack), or None. Terraform racks (directories) are refused."""
        if not _RACK_FILE_NAME.match(name):
            return None
        if os.path.isdir(self.path('racks', name)):
            raise ConvoxConfigError(
                'rack %s is a terraform rack of the Convox CLI (%s), whose URL needs terraform to read: set `host` and `api_key` '
                '(the rack\'s `api` terraform output) or RACK_URL' % (name, self.path('racks', name)))
        return self._read_text('racks', name)


def _config_directory(explicit, environ, home):
    if explicit:
        return os.path.expanduser(explicit)
    home = home or os.path.expanduser('~')
    config_home = environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config')
    # The v3 CLI, then the v2 CLI: renamed `convox2` in December 2022, its settings moved from ~/.convox to the
    # same library's directory under that name.
    candidates = [os.path.join(config_home, 'convox'), os.path.join(config_home, 'convox2'), os.path.join(home, '.convox')]
    if sys.platform == 'darwin':
        # The CLIs' settings library uses the macOS preferences folder there.
        candidates[1:1] = [os.path.join(home, 'Library', 'Preferences', 'convox')]
        candidates[3:3] = [os.path.join(home, 'Library', 'Preferences', 'convox2')]
    for directory in candidates:
        if os.path.isdir(directory):
            return directory
    return candidates[0]


def _is_host_itself(rack, endpoint):
    """True when ``rack`` names the endpoint's host (a direct rack named by its host), not ORG/RACK."""
    text = rack.strip()
    if '://' not in text:
        if '/' in text:
            return False
        text = 'https://' + text
    try:
        hostname = urlsplit(text).hostname
    except ValueError:
        return False
    return hostname is not None and hostname == endpoint.hostname


def _rack_url_for(endpoint, environ, direct):
    """RACK_URL as a second credential source for an explicitly given host, when it names the same host."""
    if direct or not environ.get(ENV_RACK_URL):
        return []
    try:
        rack_url = _Endpoint(environ[ENV_RACK_URL], ENV_RACK_URL)
    except ConvoxConfigError:
        # `host` was given, so RACK_URL is not in use: a malformed one must not fail the task.
        return []
    return [rack_url] if rack_url.netloc.lower() == endpoint.netloc.lower() else []


def _rack_url_note(endpoint, environ):
    if not environ.get(ENV_RACK_URL):
        return '%s is not set' % ENV_RACK_URL
    if endpoint.what == ENV_RACK_URL:
        return '%s holds no password' % ENV_RACK_URL
    return '%s is for another host' % ENV_RACK_URL


def _verify(options):
    try:
        validate = True if options.get('validate_certs') is None else boolean(options.get('validate_certs'), strict=True)
    except TypeError:
        raise ConvoxConfigError('validate_certs must be a boolean') from None
    ca_path = options.get('ca_path')
    if not validate:
        # As in ansible.builtin.uri: not validating wins over a CA bundle.
        return False
    if ca_path:
        ca_path = os.path.expanduser(ca_path)
        if not os.path.isfile(ca_path):
            raise ConvoxConfigError('ca_path %s is not a file' % ca_path)
        _check_ca_bundle(ca_path)
        return ca_path
    return True


def _check_ca_bundle(ca_path):
    """Refuse a ``ca_path`` that TLS could not use, naming the option: otherwise the failure shows only
    later, as a TLS error of the request that does not say which setting is wrong."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cafile=ca_path)
    except ssl.SSLError as exc:
        raise ConvoxConfigError('ca_path %s holds no usable PEM certificate (%s): it must be a CA bundle in PEM format'
                                % (ca_path, exc.reason or 'unreadable')) from None
    except (OSError, ValueError) as exc:
        raise ConvoxConfigError('cannot read ca_path %s: %s' % (ca_path, getattr(exc, 'strerror', None) or exc)) from None


def resolve_connection(options, environ=None, home=None):
    """Resolve connection options to ``ConnectionSettings`` (see the module docstring for the order).

    ``options`` holds the ``CONNECTION_ARGSPEC`` names (missing or None means unset);
    ``environ`` and ``home`` default to the process environment and home directory.
    Raises ConvoxConfigError naming what is missing and every source tried, never a value.
    """
    options = options or {}
    environ = os.environ if environ is None else environ

    def setting(name, env_name=None):
        value = options.get(name)
        if value is None or value == '':
            value = environ.get(env_name) if env_name else None
        return value or None

    cli = _CliSettings(_config_directory(setting('config_dir', ENV_CONFIG), environ, home))
    rack = (setting('rack', ENV_RACK) or cli.selected_rack() or '').strip() or None

    # Where the API is. A URL from RACK_URL or racks/<name> is a direct rack with its own credentials.
    host = setting('host', ENV_HOST)
    direct = False
    if host:
        endpoint = _Endpoint(host, '`host`')
    elif environ.get(ENV_RACK_URL):
        endpoint, direct = _Endpoint(environ[ENV_RACK_URL], ENV_RACK_URL), True
    else:
        rack_file_url = cli.rack_url(rack) if rack else None
        if rack_file_url:
            endpoint, direct = _Endpoint(rack_file_url, cli.path('racks', rack)), True
        else:
            console_host, console_file = cli.console_host()
            if not console_host and rack and '/' in rack:
                # An ORG/RACK is a console rack; the CLI and Convox's CI actions default to this console.
                console_host, console_file = DEFAULT_CONSOLE_HOST, 'the default console host'
            if not console_host:
                where = ('no console or host file in %s' % cli.directory if os.path.isdir(cli.directory)
                         else 'no CLI settings directory: %s does not exist' % cli.directory)
                raise ConvoxConfigError(
                    'no Convox host: set the task option `host` or the environment variable %s, set %s, '
                    'or log in with the Convox CLI (%s)' % (ENV_HOST, ENV_RACK_URL, where))
            endpoint = _Endpoint(console_host, console_file)

    # Who we are. The user in a URL belongs to the password in that URL (`jwt:<token>`).
    username = None
    url_credentials = [endpoint] + _rack_url_for(endpoint, environ, direct)
    embedded = next((candidate for candidate in url_credentials if candidate.password), None)
    if options.get('api_key'):
        password, source = options['api_key'], 'the option `api_key`'
    elif embedded is not None and embedded is endpoint:
        # The URL that says where the rack is also says who we are there (RACK_URL "overrides everything").
        password, source, username = embedded.password, embedded.what, embedded.username
    elif environ.get(ENV_PASSWORD):
        password, source = environ[ENV_PASSWORD], 'the environment variable %s' % ENV_PASSWORD
    elif embedded is not None:
        password, source, username = embedded.password, embedded.what, embedded.username
    else:
        password, source = cli.auth_key(endpoint), cli.path('auth')
    if not password:
        raise ConvoxConfigError(
            'no API key for %s: tried the task option `api_key`, the environment variable %s, and the Convox CLI settings '
            '(%s has no entry for %s; %s)'
            % (endpoint.hostname, ENV_PASSWORD, cli.path('auth'), endpoint.hostname, _rack_url_note(endpoint, environ)))

    return ConnectionSettings(
        base_url=endpoint.base_url,
        password=password,
        username=setting('api_user') or username or DEFAULT_USER,
        rack=None if direct or not rack or _is_host_itself(rack, endpoint) else rack,
        verify=_verify(options),
        timeout=DEFAULT_TIMEOUT if options.get('timeout') is None else options['timeout'],
        retries=RetrySettings.from_options(options.get('retries')),
        actor=environ.get(ENV_ACTOR) or None,
        credential_source=source,
    )
