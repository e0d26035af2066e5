#!/bin/sh
# Runs once, when the PostgreSQL volume is created: a runtime role for the application, separate from the owner that
# runs migrations, so that the audit tables can be made append-only for the application. The password comes from the
# environment (DB_APP_PASSWORD), never from a file in the repository.
set -eu
: "${DB_APP_PASSWORD:?DB_APP_PASSWORD must be set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE welfare_app LOGIN PASSWORD :'app_password';
SQL
