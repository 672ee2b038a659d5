#!/usr/bin/env bash
# Ad-hoc use, as a user types it: `ansible localhost -m convox.convox.convox_system_info`
# with credentials from task options, environment variables and a CLI settings directory,
# against the plain and the TLS emulator.
# shellcheck disable=SC2154  # config, python, scratch and out come from runme-common.sh
. ../setup_convox_emulator/files/runme-common.sh || exit 1

url=$(setting convox_emulator_url)
password=$(setting convox_emulator_password)
tls_url=$(setting convox_emulator_tls_url)
tls_password=$(setting convox_emulator_tls_password)
ca_cert=$(setting convox_emulator_ca_cert)

empty="$scratch/no-cli-config"

# run NAME EXPECTED-PATTERN ansible-args...: the command must succeed, show the pattern,
# and never print either emulator password.
run() {
    local name="$1" pattern="$2" out
    shift 2
    echo "== $name"
    out=$(ansible localhost -m convox.convox.convox_system_info "$@" 2>&1) || { echo "$out"; echo "FAILED: $name" >&2; exit 1; }
    echo "$out" | grep -q -- "$pattern" || { echo "$out"; echo "FAILED: $name: no '$pattern' in the output" >&2; exit 1; }
    if echo "$out" | grep -q -F -e "$password" -e "$tls_password"; then
        echo "FAILED: $name: a password appeared in the output" >&2
        exit 1
    fi
}

run "task options" '"status": "running"' -a "host=$url api_key=$password config_dir=$empty"

CONVOX_HOST="$url" CONVOX_PASSWORD="$password" \
    run "environment variables" '"status": "running"' -a "config_dir=$empty"

mkdir -m 0700 "$scratch/cli"
printf '{\n  "%s": "%s"\n}\n' "${url#*://}" "$password" > "$scratch/cli/auth"
printf '%s\n' "$url" > "$scratch/cli/console"
chmod 0600 "$scratch/cli/auth" "$scratch/cli/console"
CONVOX_CONFIG="$scratch/cli" run "CLI settings directory" '"status": "running"'

run "TLS with the rack's CA" '"rack_domain"' -a "host=$tls_url api_key=$tls_password ca_path=$ca_cert config_dir=$empty"
run "TLS without verification" '"rack_domain"' -a "host=$tls_url api_key=$tls_password validate_certs=false config_dir=$empty"

echo "== TLS verified against the system CAs fails with advice"
if out=$(ansible localhost -m convox.convox.convox_system_info -a "host=$tls_url api_key=$tls_password config_dir=$empty" 2>&1); then
    echo "$out"; echo "FAILED: an unverifiable certificate was accepted" >&2; exit 1
fi
echo "$out" | grep -q 'validate_certs' || { echo "$out"; echo "FAILED: no advice in the TLS error" >&2; exit 1; }

echo "all ad-hoc checks passed"
