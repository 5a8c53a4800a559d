#!/usr/bin/env bash
# Stops the daemons scripts/slurm/start-single-node.sh started (by their pid files; munged is left running).
set -u
DIR="${COLLABBENCH_SLURM_DIR:-/tmp/collabbench-slurm}"
for daemon in slurmd slurmctld; do
  if [ -s "$DIR/$daemon.pid" ]; then kill "$(cat "$DIR/$daemon.pid")" 2>/dev/null || true; fi
done
