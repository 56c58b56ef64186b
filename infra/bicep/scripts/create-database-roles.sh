#!/usr/bin/env bash
# Run by the deployment script in modules/postgres.bicep, as the server's Microsoft Entra
# administrator (a user-assigned identity that only this script uses). Idempotent.
#
# Creates one login role per function app, bound to that app's managed identity by object id, and a
# NOLOGIN role d3chat_owner that owns the schema. Every app role is a member of d3chat_owner and
# starts its sessions as it (ALTER ROLE ... SET role), so whichever app applies a migration first
# creates objects owned by d3chat_owner and the others can use and alter them.
#
# Environment: PGHOST, PGDATABASE (the application database), ADMIN_NAME, ADMIN_CLIENT_ID,
#              APP_ROLES ("role-name:object-id role-name:object-id ...").
set -euo pipefail

if ! command -v psql >/dev/null 2>&1; then
  # The azure-cli image is Azure Linux (tdnf); older images were Alpine (apk).
  tdnf install -y postgresql >/dev/null 2>&1 || apk add --no-cache postgresql-client >/dev/null
fi

az login --identity --client-id "$ADMIN_CLIENT_ID" --allow-no-subscriptions --only-show-errors >/dev/null
PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)"
export PGPASSWORD PGUSER="$ADMIN_NAME" PGSSLMODE=require
APP_DATABASE="$PGDATABASE"

# Role names and object ids come from the template; refuse anything that is not a plain name or GUID.
valid_name='^[A-Za-z0-9_-]{1,63}$'
valid_guid='^[0-9a-fA-F-]{36}$'

sql_server="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'd3chat_owner') THEN CREATE ROLE d3chat_owner NOLOGIN; END IF;
END \$\$;"
for pair in $APP_ROLES; do
  role="${pair%%:*}"; oid="${pair##*:}"
  [[ "$role" =~ $valid_name && "$oid" =~ $valid_guid ]] || { echo "invalid role entry: $pair" >&2; exit 1; }
  sql_server+="
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') THEN
    PERFORM pgaadauth_create_principal_with_oid('$role', '$oid', 'service', false, false);
  END IF;
END \$\$;
GRANT d3chat_owner TO \"$role\";
ALTER ROLE \"$role\" SET role = 'd3chat_owner';
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE \"$APP_DATABASE\" TO \"$role\";"
done

psql -v ON_ERROR_STOP=1 -d postgres -c "$sql_server"
psql -v ON_ERROR_STOP=1 -d "$APP_DATABASE" -c "GRANT ALL ON SCHEMA public TO d3chat_owner;"
echo "database roles ready: $APP_ROLES"
