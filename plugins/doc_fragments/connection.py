# -*- coding: utf-8 -*-
# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every module and plugin of the collection."""

    # Modules: environment variables are read on the host that runs the module
    # (argspec fallbacks), so they are documented in the descriptions.
    DOCUMENTATION = r"""
options:
  host:
    description:
      - The Convox console host (for example V(console.convox.com)) or a rack's own API host.
      - V(https://) is implied; an explicit V(http://) or V(https://) scheme and a port are allowed.
      - If not set, the environment variable E(CONVOX_HOST) is used, then the host embedded in E(RACK_URL),
        then the URL of the direct rack named by O(rack) in the CLI settings (the file V(racks/<name>)),
        then the CLI settings in O(config_dir) (the V(console) file written by C(convox login), or the v2 V(host) file),
        and finally V(console.convox.com) when O(rack) has the form V(ORG/RACK).
    type: str
  api_key:
    description:
      - The credential sent as the HTTP basic auth password - a console deploy key, a CLI token, a rack password,
        or a rack JWT (set O(api_user=jwt) for a JWT).
      - If not set, and the host came from a URL that carries a password (E(RACK_URL), V(racks/<name>), or O(host) itself),
        that password is used, so that a key meant for another host is never sent to that rack.
        Otherwise the environment variable E(CONVOX_PASSWORD) is used, then the CLI's V(auth) file in O(config_dir)
        for the resolved host.
      - It is never shown in output, diffs, warnings or error messages.
    type: str
    aliases: [password]
  api_user:
    description:
      - The HTTP basic auth user name. Racks ignore it, except that V(jwt) makes the rack check O(api_key) as a JWT
        minted by C(POST /system/jwt/token) (a read-only token suits lookups and info modules).
      - Defaults to V(convox), or to the user embedded in E(RACK_URL) or in a direct rack's URL from the CLI settings.
    type: str
  rack:
    description:
      - The rack to manage, as V(ORG/RACK) for a rack reached through a console. Every request then carries
        the header C(Rack) with this value.
      - For a rack reached directly O(rack) may be omitted, or be the rack's host itself.
      - When no host is set otherwise and it names a direct rack in the CLI settings (the file V(racks/<name>) holding
        the rack's URL), that URL is used.
      - If not set, the environment variable E(CONVOX_RACK) is used, then the CLI's V(rack) file,
        then the rack selected with C(convox switch) (the V(current) file).
    type: str
  config_dir:
    description:
      - The directory holding the Convox CLI settings.
      - If not set, the environment variable E(CONVOX_CONFIG) is used, then V(~/.config/convox) (or V($XDG_CONFIG_HOME/convox)),
        then on macOS V(~/Library/Preferences/convox), then the v2 CLI's V(~/.config/convox2) (on macOS
        V(~/Library/Preferences/convox2)) and its older V(~/.convox) - the first that exists.
    type: path
  validate_certs:
    description:
      - Whether to verify the rack's TLS certificate.
      - A rack reached directly serves a self-signed certificate; use O(ca_path) with its CA, or set this to V(false).
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle in PEM format used to verify the rack's or the console's certificate.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request - more than V(0), at most V(86400) (a day).
    type: float
    default: 30
  retries:
    description:
      - How transient failures are retried, with exponential backoff and jitter.
      - Reads (V(GET), V(HEAD), V(OPTIONS)) are retried on HTTP 429, 502, 503, 504 and on connection errors.
        Writes are retried only when the rack cannot have acted on them - after HTTP 429, or a connection that was
        refused or could not be opened in time. An upload, a build create or a release create is retried only when no
        connection could be made at all (refused, or a temporary name resolution failure), since then nothing was sent.
      - A host name that does not exist is not retried; a temporary name resolution failure is.
      - Every retry is reported as a warning and counted in the result as C(api_retries).
      - The bounds keep a call finite - it takes at most O(timeout) per attempt plus O(retries.backoff_max) per retry.
      - A dict; any other value is refused.
    type: dict
    suboptions:
      max_retries:
        description: Retries after the first attempt, from V(0) (no retrying) to V(50).
        type: int
        default: 3
      backoff_base:
        description: Seconds of the first backoff, from V(0) to V(3600); each retry doubles it.
        type: float
        default: 1.0
      backoff_max:
        description:
          - The longest single wait, in seconds, from V(0) to V(3600).
          - A C(Retry-After) header is honoured up to this value.
        type: float
        default: 30.0
      retry_on_500:
        description: Also retry reads that got HTTP 500.
        type: bool
        default: false
notes:
  - "Modules read environment variables and the CLI settings directory on the host that runs them,
    usually the managed node; use C(delegate_to: localhost) or pass the options explicitly when they live on the controller.
    The lookup P(convox.convox.convox_env#lookup) reads them on the controller."
  - Modules take the connection options from C(module_defaults) with the group C(group/convox.convox.convox), set once
    for all of them; lookups do not see C(module_defaults), and take them as keyword arguments or Ansible variables.
requirements:
  - requests
"""

    # Plugins (lookups) run on the controller and take options from task keywords,
    # Ansible variables and environment variables through the configuration manager.
    PLUGINS = r"""
options:
  host:
    env:
      - name: CONVOX_HOST
    vars:
      - name: convox_host
  api_key:
    # No env entry: CONVOX_PASSWORD is read by the resolver, after a password carried by the host's URL.
    vars:
      - name: convox_api_key
      - name: convox_password
  api_user:
    vars:
      - name: convox_api_user
  rack:
    env:
      - name: CONVOX_RACK
    vars:
      - name: convox_rack
  config_dir:
    env:
      - name: CONVOX_CONFIG
    vars:
      - name: convox_config_dir
  validate_certs:
    vars:
      - name: convox_validate_certs
  ca_path:
    vars:
      - name: convox_ca_path
  timeout:
    vars:
      - name: convox_timeout
  retries:
    vars:
      - name: convox_retries
"""
