#!/bin/sh
# Exit 0 when PocketBase answers its health endpoint (Docker HEALTHCHECK, compose, monitoring).
exec curl -fsS --max-time 5 -o /dev/null "http://${PB_HTTP:-127.0.0.1:8090}/api/health"
