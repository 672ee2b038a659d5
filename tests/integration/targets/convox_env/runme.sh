#!/usr/bin/env bash
# The whole convox_env target (tasks/main.yml) run at -vvv with --diff and the module invocation
# injected into results: no secret value of vars/main.yml may appear anywhere in that output,
# and the values a diff_values task shows must appear (only the diff carries them).
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

cat > "$scratch/playbook.yml" <<'YAML'
- name: The convox_env target
  hosts: localhost
  gather_facts: false
  roles:
    - convox_env
YAML
run_playbook "$scratch/playbook.yml"
refuse_emulator_passwords

"$python" - "$out" vars/main.yml <<'PY'
import json
import sys
import yaml

out = open(sys.argv[1], encoding="utf-8").read()
values = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
secrets = dict(values["secret_values"])
# As typed, and as JSON with non-ASCII characters escaped (how some output shows them).
leaked = sorted(name for name, value in secrets.items()
                if any(form in out for form in (value.strip(), json.dumps(value.strip())[1:-1])))
if leaked:
    sys.exit("secret values appeared in the -vvv --diff output: %s" % ", ".join(leaked))
missing = sorted(name for name, value in values["shown_values"].items() if value not in out)
if missing:
    sys.exit("values asked for with diff_values are missing from the --diff output: %s" % ", ".join(missing))
print("no secret in %d bytes of -vvv --diff output; the diff_values values are there" % len(out))
PY
