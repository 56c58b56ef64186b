# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables below are used by the scripts that source this file
# Shared helpers for scripts/run, scripts/test and scripts/services.
# Source it (". scripts/lib.sh"); it defines paths and functions and starts nothing.

# Repo root = parent of the folder holding this file, so scripts work from any cwd.
D3CHAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="$D3CHAT_ROOT/.data"
PID_DIR="$DATA_DIR/pids"
LOG_DIR="$DATA_DIR/logs"

# Fixed, non-default ports so a system-wide PostgreSQL/Redis (5432/6379) never collides with ours.
PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=54329
REDIS_PORT=63790
AZURITE_BLOB_PORT=10000
AZURITE_QUEUE_PORT=10001
AZURITE_TABLE_PORT=10002
AZURITE_DIR="$D3CHAT_ROOT/tools/azurite"

# Azurite's well-known development account (public, documented by Microsoft; not a secret).
AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${AZURITE_BLOB_PORT}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${AZURITE_QUEUE_PORT}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${AZURITE_TABLE_PORT}/devstoreaccount1;"

# Quiet, offline-friendly dotnet.
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# True when a TCP listener answers on 127.0.0.1:$1 (bash's /dev/tcp: no curl/nc needed).
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when process $1 exists and is not a zombie (an exited child not yet reaped by init
# still answers kill -0, and must count as stopped).
proc_running() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# True when the pid in file $1 belongs to a live process.
pid_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(head -n1 "$1" | tr -dc '0-9')"
  [[ -n "$pid" ]] && proc_running "$pid"
}

# Print the last lines of a log so a failed start explains itself.
log_tail() {
  local file="$1"
  if [[ -f "$file" ]]; then
    printf -- '----- last lines of %s -----\n' "$file" >&2
    tail -n 40 "$file" >&2 || true
    printf -- '-----\n' >&2
  else
    printf 'no log at %s\n' "$file" >&2
  fi
}

# Install PostgreSQL 15, Redis (and Chromium for tests/e2e) from Debian only when they are missing.
# A fresh CI machine has neither, so this must work unattended.
ensure_packages() {
  local -a missing=()
  local b
  for b in postgres initdb pg_ctl psql pg_isready; do
    [[ -x "$PG_BIN/$b" ]] || { missing+=(postgresql-15); break; }
  done
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server redis-tools)
  command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
  command -v setsid >/dev/null 2>&1 || missing+=(util-linux)
  # The browser tests drive Debian's Chromium (Playwright's own browser download is not reachable).
  if [[ -f "$D3CHAT_ROOT/tests/e2e/package.json" && ! -x /usr/bin/chromium ]]; then
    missing+=(chromium)
  fi
  ((${#missing[@]} == 0)) && return 0

  [[ $EUID -eq 0 ]] || die "missing packages (${missing[*]}); run as root or install them: apt-get install ${missing[*]}"
  log "installing missing Debian packages: ${missing[*]} (first run only)"

  # Keep apt from starting system-wide postgres/redis daemons on their default ports:
  # we run our own instances on private ports. Only add the policy if none exists, and remove ours after.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
  } || rc=$?
  ((added_policy)) && rm -f "$policy"
  ((rc == 0)) || die "apt-get install ${missing[*]} failed (exit $rc)"

  [[ -x "$PG_BIN/postgres" ]] || die "PostgreSQL 15 binaries still missing in $PG_BIN after install"
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after install"
}

# Run `npm ci` in $1 only when node_modules is missing or package-lock.json changed since the last
# install (stamp = sha256 of the lock), so a second run costs nothing.
npm_ci_if_needed() {
  local dir="$1" stamp lock_sum
  stamp="$dir/node_modules/.d3chat-lock.sha256"
  command -v npm >/dev/null 2>&1 || die "npm not found; install Node.js 20+ first"
  if [[ ! -f "$dir/package-lock.json" ]]; then
    die "$dir has package.json but no package-lock.json; commit a lock file (npm install --package-lock-only)"
  fi
  lock_sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -d "$dir/node_modules" && -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" ]]; then
    return 0
  fi
  log "npm ci in ${dir#"$D3CHAT_ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
  # A package without dependencies gets no node_modules from npm; the stamp needs the folder.
  mkdir -p "$dir/node_modules"
  printf '%s\n' "$lock_sum" >"$stamp"
}

ensure_azurite() {
  npm_ci_if_needed "$AZURITE_DIR"
  [[ -x "$AZURITE_DIR/node_modules/.bin/azurite" ]] || die "azurite binary missing after npm ci in $AZURITE_DIR"
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet not found; install the .NET 10 SDK first"
}

# Everything scripts/run and scripts/test need before building.
ensure_prerequisites() {
  ensure_dotnet
  ensure_packages
  ensure_azurite
}

# Start services and remember, in $1, the ones this invocation started, so the caller can stop
# exactly those on exit and leave alone any that were already running.
start_services_recorded() {
  local record="$1"
  : >"$record"
  "$D3CHAT_ROOT/scripts/services" start --record "$record"
}

stop_services_recorded() {
  local record="$1"
  [[ -s "$record" ]] || return 0
  local -a names=()
  mapfile -t names <"$record"
  log "stopping services started by this run: ${names[*]}"
  "$D3CHAT_ROOT/scripts/services" stop "${names[@]}" || warn "could not stop all of: ${names[*]}"
  rm -f "$record"
}
