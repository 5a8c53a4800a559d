#!/usr/bin/env bash
# Starts a single-node Slurm cluster (munged, slurmctld, slurmd) on this machine, for the job-array
# test and for trying docs/sharding.md by hand. Works in a container without systemd or cgroups:
# every file lives in one folder ($COLLABBENCH_SLURM_DIR, default /tmp/collabbench-slurm), the
# daemons run as the current user, processes are tracked through /proc.
#
#   scripts/slurm/start-single-node.sh          # idempotent: a running cluster is left alone
#   export SLURM_CONF=/tmp/collabbench-slurm/slurm.conf
#   sbatch --array=0-3 scripts/slurm/collabbench-array.sbatch …
#   scripts/slurm/stop-single-node.sh
#
# Needs Debian's slurm-wlm and munge (.ci/run installs them). Exits non-zero with one line on
# standard error when something is missing or a daemon does not come up.
set -euo pipefail

DIR="${COLLABBENCH_SLURM_DIR:-/tmp/collabbench-slurm}"
CPUS="${COLLABBENCH_SLURM_CPUS:-2}"
USER_NAME="$(id -un)"
export SLURM_CONF="$DIR/slurm.conf"

fail() { echo "start-single-node: $*" >&2; exit 1; }
for program in munged munge unmunge slurmctld slurmd sinfo scontrol; do
  command -v "$program" >/dev/null 2>&1 || fail "$program not found; install slurm-wlm and munge (apt-get install slurm-wlm munge)"
done

mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge"

# munge: one key, one daemon with its socket in our folder's sibling the clients expect.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null 2>&1; then mungekey --create --keyfile=/etc/munge/munge.key --force; else
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
  fi
  chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  if [ "$(id -u)" = 0 ]; then
    chown root:root /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
    munged --force
  else
    munged
  fi
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null 2>&1 || fail "munged did not start (see /var/log/munge/munged.log)"
fi

cat > "$DIR/slurm.conf.new" <<CONF
# Written by scripts/slurm/start-single-node.sh: one node, one partition, no cgroups, no accounting database.
ClusterName=collabbench
SlurmctldHost=localhost
SlurmUser=$USER_NAME
SlurmdUser=$USER_NAME
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldPort=${COLLABBENCH_SLURMCTLD_PORT:-6817}
SlurmdPort=${COLLABBENCH_SLURMD_PORT:-6818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MinJobAge=3600
NodeName=localhost NodeHostname=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
mv "$DIR/slurm.conf.new" "$DIR/slurm.conf"

if ! scontrol ping 2>/dev/null | grep -q "is UP"; then
  slurmctld -f "$DIR/slurm.conf"
fi
if ! pgrep -F "$DIR/slurmd.pid" slurmd >/dev/null 2>&1; then
  slurmd -f "$DIR/slurm.conf" -N localhost
fi

for _ in $(seq 1 100); do
  state="$(sinfo -h -n localhost -o %T 2>/dev/null || true)"
  case "$state" in idle*|mixed*|allocated*) break ;; esac
  sleep 0.2
done
state="$(sinfo -h -n localhost -o %T 2>/dev/null || true)"
case "$state" in
  idle*|mixed*|allocated*) ;;
  down*|drain*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true ;;
  *) fail "the node did not come up (state '${state:-none}'; see $DIR/slurmctld.log and $DIR/slurmd.log)" ;;
esac
echo "export SLURM_CONF=$DIR/slurm.conf" > "$DIR/env"
echo "single-node Slurm is up: export SLURM_CONF=$DIR/slurm.conf"
