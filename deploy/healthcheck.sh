#!/bin/sh
# Exit 0 when Konvert answers its own health route (Docker HEALTHCHECK, compose, monitoring): it
# needs the hooks loaded (PocketBase's /api/health answers without them), a database that takes a
# write, and free disk (docs/operations.md, "Health").
exec curl -fsS --max-time 5 -o /dev/null "http://${PB_HTTP:-127.0.0.1:8090}/api/konvert/health"
