#!/usr/bin/env bash
# convox_resource and convox_resource_info against the v3, v2 and console emulators, run with -vvv --diff:
# the playbook asserts what the modules do, and this script that no credential the tasks give
# (a webhook URL, a database password, a password inside a syslog URL) and no emulator password
# ever shows in the output, the diffs and the logged arguments included.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

suffix=$(random_hex 6)
hook_secret="hook-token-$suffix"
db_password="Db-pass-$suffix"
syslog_password="Sys-log-pass-$suffix"

run_playbook playbook.yml -e "hook_secret=$hook_secret" -e "db_password=$db_password" -e "syslog_password=$syslog_password"

# Every credential may be in what the modules return as the resource (a resource's URL is what apps use:
# returning it is the point), and nowhere else - not in arguments, diffs, messages, warnings or -vvv lines.
# Each result the default callback prints is JSON after "=> "; the checker blanks its resource(s) out.
"$python" - "$out" "$hook_secret" "$db_password" "$syslog_password" <<'PY'
import json
import sys

path, secrets = sys.argv[1], sys.argv[2:]
text = open(path, encoding='utf-8').read()
decoder = json.JSONDecoder()


def without_resources(value):
    if isinstance(value, dict):
        return dict((key, None if key in ('resource', 'resources') else without_resources(item)) for key, item in value.items())
    if isinstance(value, list):
        return [without_resources(item) for item in value]
    return value


pieces, position, results = [], 0, 0
while True:
    start = text.find('=> {', position)
    if start < 0:
        pieces.append(text[position:])
        break
    try:
        result, end = decoder.raw_decode(text, start + 3)
    except ValueError:
        pieces.append(text[position:start + 3])
        position = start + 3
        continue
    pieces.append(text[position:start + 3])
    pieces.append(json.dumps(without_resources(result)))
    position, results = end, results + 1
checked = ''.join(pieces)
assert results > 50, 'only %d results found in the output' % results
leaked = [index for index, secret in enumerate(secrets) if secret in checked]
if leaked:
    sys.exit('FAILED: secret(s) %s appeared in the -vvv --diff output outside a returned resource' % leaked)
# The returned resources do carry them: the check above looked at the output that matters.
assert secrets[0] in text and secrets[2] in text, 'the returned resources do not carry the credentials'
print('no secret in the -vvv --diff output outside the returned resources (%d results checked)' % results)
PY
refuse_emulator_passwords
