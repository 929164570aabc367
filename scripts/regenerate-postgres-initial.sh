#!/usr/bin/env bash
# Rebuilds PostgreSQL's single Initial migration from the current model. Used while PostgreSQL support is new and no
# PostgreSQL database has been deployed yet; once one has, add migrations with scripts/add-migration.sh instead.
# The gallery's full-text index (PostgresImageSearch) is raw SQL the tool cannot generate, so it is put back here.
set -euo pipefail
cd "$(dirname "$0")/.."
ef=${DOTNET_EF:-$(command -v dotnet-ef || echo /work/tools/dotnet-ef)}
rm -rf SdWeb/Data/Migrations/Postgres
dotnet build SdWeb -v q --no-restore
"$ef" migrations add Initial --project SdWeb --no-build --context PostgresAppDbContext \
  --output-dir Data/Migrations/Postgres --namespace SdWeb.Data.Migrations.Postgres
# The tool writes a first snapshot relative to the project's folder twice over (SdWeb/SdWeb/…): move it home.
if [[ -d SdWeb/SdWeb ]]; then
  mv SdWeb/SdWeb/Data/Migrations/Postgres/*.cs SdWeb/Data/Migrations/Postgres/
  rm -rf SdWeb/SdWeb
fi
initial=$(ls SdWeb/Data/Migrations/Postgres/*_Initial.cs)
python3 - "$initial" <<'PY'
import re, sys
path = sys.argv[1]
s = open(path, encoding="utf-8-sig").read()
up_end = s.index("        }\n\n        /// <inheritdoc />\n        protected override void Down")
s = s[:up_end] + "\n            // The gallery's full-text index, kept by the database (see PostgresImageSearch).\n            migrationBuilder.Sql(SdWeb.Data.PostgresImageSearch.CreateSql);\n" + s[up_end:]
down = "protected override void Down(MigrationBuilder migrationBuilder)\n        {\n"
s = s.replace(down, down + "            migrationBuilder.Sql(SdWeb.Data.PostgresImageSearch.DropSql);\n\n", 1)
open(path, "w", encoding="utf-8-sig").write(s)
PY
echo "regenerated $initial"
