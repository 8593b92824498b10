#!/usr/bin/env bash
# Runs the README's commands on a fresh Debian 12 machine: a minimal root made
# with debootstrap for this run alone, holding only what `git archive HEAD`
# has (so an untracked or ignored file cannot help) and ../shared beside it.
# From the host it takes only the package-registry setup: apt's sources and
# configuration, /etc/resolv.conf, the CA certificates under
# /usr/local/share/ca-certificates and /etc/npmrc. .ci/run runs it.
#
# Usage: contrib/fresh-machine.sh [--command test|demo|all] [--keep] [--dir DIR]
#        contrib/fresh-machine.sh --enter ROOT [command...]
#   --command  which README command to run: test, demo, or all (default: the
#              test command, then the demo)
#   --keep     keep the root afterwards, for debugging (--enter opens it)
#   --dir      where to make the root (default: /var/tmp)
#   --enter    a shell, or a command, inside a root kept with --keep
# Needs root (debootstrap, mount, chroot). Everything it mounts is in a mount
# namespace of its own, and is unmounted and removed on exit, failure included.
source "$(dirname "$0")/common.sh"
project=$(cd "$(dirname "$0")/.." && pwd)

usage() {  # exit-status: the usage text, from this header, to stdout on success and stderr otherwise
  awk '/^# Usage:/ { p = 1 } p && !/^#/ { exit } p { sub(/^# ?/, ""); print }' "$0" >&$(( $1 == 0 ? 1 : 2 ))
  exit "$1"
}

command=all keep=false parent=/var/tmp enter=""
while [ $# -gt 0 ]; do
  case $1 in
    --command) command=${2:-}; shift 2 ;;
    --keep) keep=true; shift ;;
    --dir) parent=${2:-}; shift 2 ;;
    --enter) enter=${2:-}; shift 2; break ;;
    -h|--help) usage 0 ;;
    *) echo "fresh-machine.sh: unknown option $1" >&2; usage 2 ;;
  esac
done
case $command in test|demo|all) ;; *) echo "fresh-machine.sh: --command takes test, demo or all" >&2; usage 2 ;; esac
if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine.sh needs root: debootstrap, mount and chroot do" >&2
  exit 1
fi

# A private mount namespace, so that no mount can leak to the host or outlive
# this script, and a PID namespace, so that no process started inside does.
if [ -z "${MSGCAPTURE_FRESH_NAMESPACE:-}" ]; then
  require_command unshare util-linux
  set -- --command "$command" $($keep && echo --keep) --dir "$parent" ${enter:+--enter "$enter"} "$@"
  if [ -n "$enter" ]; then  # a shell for a person, in the foreground
    exec env MSGCAPTURE_FRESH_NAMESPACE=1 unshare --mount --propagation private --pid --fork --kill-child "$0" "$@"
  fi
  require_command pkill procps
  MSGCAPTURE_FRESH_NAMESPACE=1 unshare --mount --propagation private --pid --fork --kill-child "$0" "$@" &
  namespace=$!
  # unshare ignores SIGINT and SIGTERM while it waits, and a background job
  # ignores SIGINT: pass either on, as SIGTERM, to the script inside, which
  # cleans up and exits.
  trap 'pkill -TERM -P "$namespace" || true' INT TERM
  while true; do
    wait "$namespace" && status=0 || status=$?
    kill -0 "$namespace" 2>/dev/null || exit "$status"
  done
fi

mount_system() {  # root
  mount -t proc proc "$1/proc"
  mount --rbind /sys "$1/sys"   # with the tracing file systems under it
  mount --rbind /dev "$1/dev"   # with /dev/pts and /dev/shm under it
}

unmount_system() {  # root
  local m
  for m in dev sys proc; do
    if mountpoint -q "$1/$m"; then umount -R "$1/$m" || umount -R -l "$1/$m"; fi
  done
}

# Runs a command in the root as a fresh login would: none of the host's
# environment but CI's own flags.
in_root() {  # root command...
  local root=$1; shift
  chroot "$root" env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${CI:+CI="$CI"} ${FUZZ_SECONDS:+FUZZ_SECONDS="$FUZZ_SECONDS"} "$@"
}

if [ -n "$enter" ]; then
  [ -d "$enter/etc/apt" ] || { echo "fresh-machine.sh: $enter is not a root made by this script" >&2; exit 1; }
  mount_system "$enter"
  trap 'unmount_system "$enter"' EXIT
  if [ $# -gt 0 ]; then in_root "$enter" "$@"; else in_root "$enter" bash -c 'cd /build/msgcapture 2>/dev/null; exec bash -i'; fi
  exit
fi

# The README opens with its two commands: the demo, then the tests.
mapfile -t readme_commands < <(awk '/^```/ { if (open) exit; open = 1; next } open' "$project/README.md")
if [ ${#readme_commands[@]} -ne 2 ]; then
  echo "fresh-machine.sh: README.md must open with a block of exactly two commands (the demo, then the tests)" >&2
  exit 1
fi
demo_command=${readme_commands[0]} test_command=${readme_commands[1]}

# The mirror the host's apt uses for Debian itself (not its security suite),
# from one-line (.list) or deb822 (.sources) sources.
host_mirror() {
  local lists=() stanzas=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do if [ -f "$f" ]; then lists+=("$f"); fi; done
  for f in /etc/apt/sources.list.d/*.sources; do if [ -f "$f" ]; then stanzas+=("$f"); fi; done
  {  # "suite uri" lines
    [ ${#lists[@]} -eq 0 ] || awk '{ sub(/\[[^]]*\]/, "") } $1 == "deb" { print $3, $2 }' "${lists[@]}"
    [ ${#stanzas[@]} -eq 0 ] || awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no") { n = split(suites, s, " "); split(uris, u, " "); for (j = 1; j <= n; j++) print s[j], u[1] }
        types = suites = uris = enabled = ""
      }
      FNR == 1 || /^[ \t]*$/ { flush() }
      sub(/^Types:[ \t]*/, "") { types = $0 }
      sub(/^Suites:[ \t]*/, "") { suites = $0 }
      sub(/^URIs:[ \t]*/, "") { uris = $0 }
      sub(/^Enabled:[ \t]*/, "") { enabled = tolower($0) }
      END { flush() }' "${stanzas[@]}"
  } | awk '$1 == "bookworm" { print $2; exit }'
}

mirror=$(host_mirror)
if [ -z "$mirror" ]; then
  echo "fresh-machine.sh: the host's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d) name no bookworm mirror" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null; then
  echo "== installing debootstrap on the host"
  quietly /var/tmp/msgcapture-debootstrap-install.log \
    sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap'
  rm /var/tmp/msgcapture-debootstrap-install.log
fi
if [ -n "$(git -C "$project" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-machine.sh: note: the work tree has uncommitted changes; the root gets HEAD without them" >&2
fi

mkdir -p "$parent"
work=$(mktemp -d "$parent/msgcapture-fresh.XXXXXX")
root=$work/root
cleanup() {
  local status=$?
  trap '' INT TERM   # a second signal must not cut the clean-up short
  # As PID 1 of its own namespace, this script can end every process started
  # inside (a command still running, a node a test left) before unmounting.
  if [ $$ -eq 1 ]; then kill -KILL -1 2>/dev/null || true; wait || true; fi
  unmount_system "$root"
  if findmnt -n -l -o TARGET | grep -qF "$root/"; then
    echo "fresh-machine.sh: something is still mounted under $root; not removing $work" >&2
  elif $keep; then
    echo "The root is kept in $root (logs in $work); enter it with: contrib/fresh-machine.sh --enter $root"
  else
    rm -rf --one-file-system "$work"
  fi
  exit $status
}
trap cleanup EXIT
# Handled at once while a README command runs; during debootstrap and the
# certificates' install, once that step ends.
trap 'echo "fresh-machine.sh: stopping on a signal" >&2; exit 143' TERM

started=$SECONDS
echo "== debootstrap --variant=minbase bookworm (mirror from the host's apt sources) into $root"
quietly "$work/debootstrap.log" debootstrap --variant=minbase bookworm "$root" "$mirror"
echo "   done in $((SECONDS - started)) s: $(cat "$root/etc/debian_version"), $(chroot "$root" dpkg-query -f . -W | wc -c) packages"

echo "== the host's package-registry setup: apt sources and configuration, DNS, CA certificates, npm"
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources /etc/apt/apt.conf \
         /etc/apt/apt.conf.d /etc/apt/auth.conf.d /etc/apt/preferences.d /etc/apt/trusted.gpg.d /etc/apt/keyrings; do
  if [ -e "$f" ]; then cp -a "$f" "$(dirname "$root$f")/"; fi
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/usr/local/share/ca-certificates"
if [ -d /usr/local/share/ca-certificates ]; then cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"; fi
if [ -e /etc/npmrc ]; then cp -a /etc/npmrc "$root/etc/npmrc"; fi

echo "== the project (git archive HEAD) in /build/msgcapture"
mkdir -p "$root/build"
git -C "$project" archive --format=tar --prefix=msgcapture/ HEAD | tar -x -C "$root/build"
echo "   commit $(git -C "$project" rev-parse --short HEAD): $(git -C "$project" log -1 --format=%s | cut -c1-80)"
if [ -d "$project/../shared" ]; then
  mkdir "$root/build/shared"
  cp -a "$project/../shared/." "$root/build/shared/"   # /. also when ../shared is a link
  echo "   ../shared beside it, in /build/shared"
else
  echo "fresh-machine.sh: note: there is no ../shared beside the project" >&2
fi

mount_system "$root"
# The certificates take effect through the ca-certificates package, which the
# minimal root lacks; apt reaches an http mirror (as Debian's default is) without it.
quietly "$work/ca-certificates.log" in_root "$root" sh -c \
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates && update-ca-certificates'

run_readme_command() {  # label command
  local start=$SECONDS
  echo "== fresh machine: the README's $1 command: $2"
  # In the background, so that a SIGTERM is handled at once, not when it ends.
  in_root "$root" bash -c "cd /build/msgcapture && $2" &
  if wait $!; then
    echo "== fresh machine: the $1 command passed in $((SECONDS - start)) s"
  else
    local status=$?
    echo "== fresh machine: the $1 command ($2) FAILED with status $status after $((SECONDS - start)) s" >&2
    exit $status
  fi
}
case $command in
  test) run_readme_command test "$test_command" ;;
  demo) run_readme_command demo "$demo_command" ;;
  all) run_readme_command test "$test_command"; run_readme_command demo "$demo_command" ;;
esac
echo "== fresh machine: done in $((SECONDS - started)) s"
