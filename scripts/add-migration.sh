#!/usr/bin/env bash
# Adds the migration NAME for both databases, from the model as last built: SQLite (AppDbContext, Data/Migrations/Sqlite)
# and PostgreSQL (PostgresAppDbContext, Data/Migrations/Postgres). No database is needed: the design-time factories
# build each model without connecting.
#
#   scripts/add-migration.sh NAME           # builds SdWeb first
#   scripts/add-migration.sh NAME --no-build
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:?usage: scripts/add-migration.sh NAME [--no-build]}
build=${2:-}
ef=${DOTNET_EF:-$(command -v dotnet-ef || echo /work/tools/dotnet-ef)}

if [[ "$build" != "--no-build" ]]; then
  dotnet build SdWeb -v q
fi
"$ef" migrations add "$name" --project SdWeb --no-build --context AppDbContext \
  --output-dir Data/Migrations/Sqlite --namespace SdWeb.Data.Migrations.Sqlite
"$ef" migrations add "$name" --project SdWeb --no-build --context PostgresAppDbContext \
  --output-dir Data/Migrations/Postgres --namespace SdWeb.Data.Migrations.Postgres
