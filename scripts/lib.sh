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
