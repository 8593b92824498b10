# Sourced by the contrib scripts: strict mode, and a failure that says where it
# happened. Without the ERR trap, `set -e` ends a script with a bare exit
# status and the user is left guessing which step failed.
set -Eeuo pipefail
report_failure() {  # status line command
  local what=" '$3'"
  # A function that failed leaves its own 'return' as the command; the line is the caller's.
  [[ $3 == return* ]] && what=""
  local file=${BASH_SOURCE[1]:-$0}
  echo "${file##*/}: line $2:$what failed with status $1" >&2
  exit "$1"
}
trap 'report_failure $? $LINENO "$BASH_COMMAND"' ERR

# Fails unless COMMAND is on PATH, naming the Debian package that provides it.
require_command() {  # command debian-package
  command -v "$1" >/dev/null && return 0
  echo "$1 is not installed: install the Debian package $2 (contrib/install-deps.sh installs every package)" >&2
  return 1
}

# Runs a command with its output in LOG; shows the output only when it fails,
# from the first error onwards, so that a quiet step never hides its error.
quietly() {  # log command...
  local log=$1; shift
  mkdir -p "$(dirname "$log")"
  if "$@" >"$log" 2>&1; then return 0; else
    local status=$? first
    first=$(grep -n -m1 -E '^FAILED:|CMake Error|error:|^E: |^npm ERR!' "$log" | cut -d: -f1 || true)
    first=${first:-1}
    echo "'$*' failed with status $status; its output from the first error (full log: $log):" >&2
    sed -n "${first},$((first + 199))p" "$log" >&2
    return $status
  fi
}

# Prints a section title with the time since the script started, so that a
# long run's log shows where the time went.
section() {  # title
  printf '== %s (at %d:%02d)\n' "$1" $((SECONDS / 60)) $((SECONDS % 60))
}
