# Shell helpers shared by the build and test scripts (sourced, not run):
# timing of steps, Debian packages installed when missing, and the host's cargo.

# timed NAME CMD...: runs CMD, then prints how long it took; keeps its exit code.
timed() {
  local name=$1 t0=$SECONDS rc=0
  shift
  "$@" || rc=$?
  echo "[time] $name: $((SECONDS - t0))s"
  return $rc
}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
APT_UPDATED=0

# need_apt PACKAGE...: installs the Debian packages that are not installed yet.
need_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $APT_UPDATED = 0 ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# hcargo ARGS...: cargo for host builds: rustup's when there is one, else Debian's.
if command -v rustup >/dev/null 2>&1; then
  hcargo() { env -u RUSTC -u RUSTDOC -u RUSTC_BOOTSTRAP cargo "$@"; }
else
  hcargo() { RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc /usr/bin/cargo "$@"; }
fi

# in_ci: true when CI is set to anything but "", 0 or false (.ci/run sets
# CI=true). Under CI a missing prerequisite (the CLI, Chromium, the built
# WebAssembly package) is a failure, never a skip.
in_ci() {
  case "${CI:-}" in
    "" | 0 | false | FALSE | False) return 1 ;;
    *) return 0 ;;
  esac
}

# need_or_skip WHAT: under CI, fails saying WHAT is missing; locally says
# the tests that need it will skip.
need_or_skip() {
  if in_ci; then
    echo "error: CI: $1" >&2
    exit 1
  fi
  echo "note: $1; the tests that need it skip (under CI this is a failure)" >&2
}

# node_tests ARGS...: node --test ARGS with the usual report on stdout and a
# TAP copy, then the skip count: every skipped test is listed with its reason,
# and under CI any skip fails the run (node exits 0 when tests skip).
node_tests() {
  local tap rc=0 skipped
  tap=$(mktemp)
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" "$@" || rc=$?
  skipped=$(sed -n 's/^# skipped \([0-9][0-9]*\)$/\1/p' "$tap" | tail -n 1)
  if [ -z "$skipped" ]; then
    echo "error: no '# skipped N' line in node's TAP output" >&2
    rm -f "$tap"
    return 1
  fi
  if [ "$skipped" -gt 0 ]; then
    echo "skipped $skipped test(s):"
    grep -E '^ *ok [0-9]+ - .* # SKIP' "$tap" | sed 's/^ */  /' || true
  fi
  rm -f "$tap"
  if [ "$skipped" -gt 0 ] && in_ci; then
    echo "error: CI: $skipped node test(s) skipped (see above); under CI every test must run" >&2
    return 1
  fi
  return $rc
}
