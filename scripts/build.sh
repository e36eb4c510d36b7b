#!/bin/sh
# Configure and build cq out of tree in ${BUILD:-build}/ (extra configure
# flags from the arguments, e.g. --enable-asan).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
cd "$top"
[ -x configure ] || ./bootstrap >/dev/null 2>&1
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || [ "${RECONFIGURE:-0}" = 1 ] || [ $# -gt 0 ]; then
	"$top/configure" -q "$@"
fi
make -j"$(nproc)" >/dev/null
echo "built in $build"
