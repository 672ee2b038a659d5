#!/usr/bin/env bash
# The whole convox_env target (tasks/main.yml) run at -vvv with --diff and the module invocation
# injected into results: no secret value of vars/main.yml may appear anywhere in that output,
# and the values a diff_values task shows must appear (only the diff carries them).
set -eu

config="../../integration_config.yml"
for arg in "$@"; do
    case "$arg" in @*) config="${arg#@}" ;; esac
done
[ -f "$config" ] || { echo "no integration config at $config (make integration writes it)" >&2; exit 1; }
python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat > "$scratch/playbook.yml" <<'YAML'
- name: The convox_env target
  hosts: localhost
  gather_facts: false
  roles:
    - convox_env
YAML

export ANSIBLE_ROLES_PATH=..
# ansible-core 2.21 adds the module's arguments to results only when asked (older versions always do).
export ANSIBLE_INJECT_INVOCATION=1
unset CONVOX_HOST CONVOX_PASSWORD CONVOX_RACK CONVOX_CONFIG RACK_URL
if ! ansible-playbook "$scratch/playbook.yml" -e "@$config" -vvv --diff > "$scratch/out" 2>&1; then
    cat "$scratch/out"
    exit 1
fi
grep -q 'failed=0' "$scratch/out"

"$python" - "$scratch/out" vars/main.yml "$config" <<'PY'
import json
import sys
import yaml

out = open(sys.argv[1], encoding="utf-8").read()
values = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
config = yaml.safe_load(open(sys.argv[3], encoding="utf-8"))
secrets = dict(values["secret_values"])
for name in ("convox_emulator_password", "convox_emulator_console_password", "convox_emulator_v2_password"):
    secrets[name] = config[name]
# As typed, and as JSON with non-ASCII characters escaped (how some output shows them).
leaked = sorted(name for name, value in secrets.items()
                if any(form in out for form in (value.strip(), json.dumps(value.strip())[1:-1])))
if leaked:
    sys.exit("secret values appeared in the -vvv --diff output: %s" % ", ".join(leaked))
missing = sorted(name for name, value in values["shown_values"].items() if value not in out)
if missing:
    sys.exit("values asked for with diff_values are missing from the --diff output: %s" % ", ".join(missing))
if "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" not in out:
    sys.exit("the output shows no masked module argument: was the invocation injected?")
print("no secret in %d bytes of -vvv --diff output; the diff_values values are there" % len(out))
PY
