#!/usr/bin/env bash
# PostgreSQL first start (docker-entrypoint-initdb.d): one database and one user per service, so
# a service can reach only its own data. Passwords come from the container's environment
# (docker-compose.yml ← .env). Runs once, on an empty data volume.
set -euo pipefail

create() {
	local db="$1" user="$2" password="$3"
	psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
		-v db="$db" -v usr="$user" -v pw="$password" <<-'SQL'
		SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'usr', :'pw')
		 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'usr') \gexec
		SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'usr')
		 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
		SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
	SQL
	# The service owns its schema (migrations run at start-up).
	psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$db" -v usr="$user" <<-'SQL'
		SELECT format('ALTER SCHEMA public OWNER TO %I', :'usr') \gexec
	SQL
	echo "init-databases: database $db owned by $user"
}

create reservations reservations "${RESERVATIONS_DB_PASSWORD:?RESERVATIONS_DB_PASSWORD is required}"
create mail mail "${MAIL_DB_PASSWORD:?MAIL_DB_PASSWORD is required}"
create webhooks webhooks "${WEBHOOKS_DB_PASSWORD:?WEBHOOKS_DB_PASSWORD is required}"
create accounts accounts "${ACCOUNTS_DB_PASSWORD:?ACCOUNTS_DB_PASSWORD is required}"
