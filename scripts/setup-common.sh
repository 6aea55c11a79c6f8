# Shared by scripts/demo and scripts/test (sourced, not run): apt packages, Python check, the venv.
# Idempotent: installs only what is missing; a second run does no network work.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }

apt_install() {   # apt_install PKG... : apt-get update + install, only when something is listed
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing system packages: $* (run as root, or install them yourself)"; return 1
  fi
  log "installing: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pick_python() {   # the first python3 >= 3.11 on PATH
  local py
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  log "Python 3.11 or newer is required"; return 1
}

ensure_python_tools() {  # python3 with venv + pip (Debian splits them into python3-venv)
  local need=()
  command -v python3 >/dev/null || need+=(python3)
  if command -v python3 >/dev/null && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then need+=(python3-venv); fi
  apt_install "${need[@]}"
}

ensure_venv() {  # ensure_venv EDITABLE(0|1) EXTRAS : .venv with Docket installed, skipped when up to date
  local editable=$1 extras=$2 py stamp want
  py=$(pick_python)
  if [ ! -x .venv/bin/python ]; then
    log "creating .venv with $py"
    "$py" -m venv .venv
  fi
  stamp=.venv/.docket-install
  want="$editable $extras $(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ "$editable" = 0 ]; then   # a regular install copies the code: refresh it when any source changed
    want="$want $(find service extractors rules outbox -type f -not -path '*/__pycache__/*' | sort | xargs -r cat | sha256sum | cut -c1-16)"
  fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "installing Docket into .venv"
  if [ "$editable" = 1 ]; then
    .venv/bin/python -m pip install -q -e ".$extras"
  else
    .venv/bin/python -m pip install -q ".$extras"
  fi
  echo "$want" > "$stamp"
}
