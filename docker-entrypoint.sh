#!/bin/sh
# The image's entrypoint: `docker compose run --rm api <command> …` runs one
# of the API's commands in the image, with the service's environment
# (DATABASE_URL, …). The image holds no npm scripts' build tooling: each
# command runs its built file in dist/ directly.
#
#   serve (default)   migrate, then serve (what `docker compose up` runs)
#   demo              serve, loading the demo population first
#   clients …         manage API clients: create, list, rotate, revoke
#   migrate           apply pending migrations and exit
#   catalogs:import … load a catalog version (see catalogs/README.md)
#   retention …       the retention run: --dry-run, --list, --set (docs/operations.md)
#   anything else     run as given (e.g. sh)
set -e
app=$(cd "$(dirname "$0")" && pwd)
command=${1:-serve}
[ $# -gt 0 ] && shift
case "$command" in
  serve) exec node "$app/dist/server.js" "$@" ;;
  demo) exec node "$app/dist/server.js" --demo "$@" ;;
  clients) FFB_CLIENTS_COMMAND='docker compose run --rm api clients' exec node "$app/dist/clients/cli.js" "$@" ;;
  migrate) exec node "$app/dist/cli/migrate.js" "$@" ;;
  catalogs:import) exec node "$app/dist/catalogs/cli.js" "$@" ;;
  retention) exec node "$app/dist/cli/retention.js" "$@" ;;
  *) exec "$command" "$@" ;;
esac
