#!/usr/bin/env bash
# Makes sure the local PostgreSQL server the PostgreSQL test run uses is up
# (127.0.0.1:5432, user postgres, trust auth), starting the Debian cluster if needed.
set -euo pipefail

host=${PGHOST_TEST:-127.0.0.1}
port=${PGPORT_TEST:-5432}

if ! pg_isready -q -h "$host" -p "$port"; then
  # Newest installed major version, e.g. /etc/postgresql/15.
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  [[ -n $version ]] || { echo "ensure-postgres: no cluster under /etc/postgresql" >&2; exit 1; }
  echo "Starting PostgreSQL $version/main..."
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 60); do
    pg_isready -q -h "$host" -p "$port" && break
    sleep 1
  done
fi

pg_isready -h "$host" -p "$port"
psql -h "$host" -p "$port" -U postgres -d postgres -tAc 'select version()'
