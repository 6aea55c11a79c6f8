#!/bin/sh
# Container entry point: apply pending migrations, then replace this shell with the daemon.
#   docker run IMAGE                      -> docket db upgrade; exec docket run
#   docker run IMAGE run --role process   -> docket db upgrade; exec docket run --role process
#   docker run IMAGE status --json        -> any other docket command, without migrating
# Several containers may start at once: on PostgreSQL the upgrade takes an advisory lock, so one
# migrates and the others wait, then find nothing to do.
set -eu

if [ "$#" -eq 0 ]; then
    set -- run
fi

if [ "$1" = "run" ]; then
    if [ "${DOCKET_SKIP_MIGRATIONS:-0}" != "1" ]; then
        docket db upgrade
    fi
    exec docket "$@"
fi

exec docket "$@"
