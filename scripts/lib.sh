# Shared by scripts/run.sh and scripts/test.sh; not meant to be run.
#
# Environment:
#   ZHUCUN_BUILD_ROOT  where the preset build trees go (default: build/, so
#                      build/release and build/debug-asan, as CMakePresets.json)
#   ZHUCUN_JOBS        parallel compile and test jobs (default: nproc)
#   ZHUCUN_SKIP_SETUP  1 to skip installing Debian packages (scripts/setup.sh)
#   ZHUCUN_SHARED_DIR  the shared spec folder the tests read (default: ../shared
#                      beside the repository, where CI puts it)

ZHUCUN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_ROOT=${ZHUCUN_BUILD_ROOT:-$ZHUCUN_ROOT/build}
JOBS=${ZHUCUN_JOBS:-$(nproc 2>/dev/null || echo 2)}
# ccache keys must not include the build directory, so that the
# add_subdirectory consumer test (tests/install) reuses the objects of the
# release build instead of compiling the library a second time.
export CCACHE_NOHASHDIR=1
# Paths inside the checkout are hashed relative to it, so that a fresh clone
# elsewhere (CI clones to a new folder each run) reuses the objects an
# earlier build compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ZHUCUN_ROOT}
# ccache's default cache lives in $HOME; keep it next to the build where
# $HOME is unset or read-only (some CI runners).
if [[ -z "${CCACHE_DIR:-}" ]] && ! { [[ -n "${HOME:-}" ]] && mkdir -p "$HOME/.cache" 2>/dev/null && [[ -w "$HOME/.cache" ]]; }; then
  export CCACHE_DIR=$BUILD_ROOT/ccache
fi

# Prints a timed step header.
step() {
  echo
  echo "==> [$(date +%H:%M:%S) +${SECONDS}s] $*"
}

# configure_and_build PRESET [TARGET...]: configures the preset into
# $BUILD_ROOT/PRESET and builds the targets (default: all).
configure_and_build() {
  local preset=$1
  shift
  local dir=$BUILD_ROOT/$preset
  step "configure $preset ($dir)"
  cmake --preset "$preset" -B "$dir" -S "$ZHUCUN_ROOT" \
        ${ZHUCUN_SHARED_DIR:+-DZHUCUN_SHARED_DIR="$ZHUCUN_SHARED_DIR"}
  step "build $preset${*:+ ($*)}"
  cmake --build "$dir" --parallel "$JOBS" ${*:+--target "$@"}
}

cd "$ZHUCUN_ROOT"
step "set up Debian packages"
"$ZHUCUN_ROOT/scripts/setup.sh"
