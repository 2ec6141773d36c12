#!/usr/bin/env bash
# Build the vcsim launcher and the govmomi reference reader (GOPATH mode, Debian's govmomi).
# Idempotent: installs the Debian packages only when missing (and root), skips a build whose binary
# is newer than its source. Binaries go to .gopath/bin (git-ignored). Prints the launcher's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
gocode=/usr/share/gocode/src/github.com/vmware/govmomi
if ! command -v go >/dev/null || [ ! -d "$gocode/simulator" ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y golang-go golang-github-vmware-govmomi-dev >&2
  else
    echo "build.sh: need golang-go and golang-github-vmware-govmomi-dev (apt-get install as root)" >&2
    exit 1
  fi
fi
bin="$root/.gopath/bin"
mkdir -p "$bin" "$root/.gocache"
export GO111MODULE=off GOPATH="$root/.gopath:/usr/share/gocode" GOCACHE="$root/.gocache" GOFLAGS=
build() { # build <source dir> <output>
  local src="$1" out="$2"
  if [ -x "$out" ] && [ -z "$(find "$src" -maxdepth 1 -name '*.go' -newer "$out")" ]; then return 0; fi
  (cd "$src" && go build -o "$out" .) >&2
}
build "$root/test/vcsim" "$bin/simplemon-vcsim"
build "$root/test/vcsim/reference" "$bin/simplemon-vcref"
echo "$bin/simplemon-vcsim"
