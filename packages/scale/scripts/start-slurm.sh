#!/usr/bin/env bash
# Configures and starts a one-node Slurm cluster (munge + slurmctld + slurmd) on this machine, for tests and CI.
# Idempotent: when the node already answers and is usable it only prints its state. Needs root and Debian's
# slurmctld, slurmd, slurm-client and munge packages. Jobs run as root with no cgroups, so it also works inside a
# container; it is a test cluster, not a production setup.
#
# Environment: SORO_SLURM_DIR (state and logs, default /tmp/soro-slurm), SORO_SLURM_CPUS (default: nproc).
set -euo pipefail

state_dir="${SORO_SLURM_DIR:-/tmp/soro-slurm}"
cpus="${SORO_SLURM_CPUS:-$(nproc)}"
node="$(hostname -s)"
conf=/etc/slurm/slurm.conf

for bin in munged slurmctld slurmd sbatch scontrol sinfo; do
  if ! command -v "$bin" >/dev/null; then
    echo "start-slurm: $bin not found; install it with: apt-get install -y slurmctld slurmd slurm-client munge" >&2
    exit 2
  fi
done

node_ready() {
  scontrol ping 2>/dev/null | grep -q UP &&
    sinfo -h -n "$node" -o '%t' 2>/dev/null | grep -Eq '^(idle|mix|alloc)'
}

if [ -f "$conf" ] && grep -q "^# soro-data one-node cluster" "$conf" && node_ready; then
  echo "start-slurm: $node already up ($(sinfo -h -o '%P %t %c'))"
  exit 0
fi

mkdir -p "$state_dir"/{state,spool,log} /etc/slurm /run/munge /var/log/munge /var/lib/munge
cat >"$conf" <<EOF
# soro-data one-node cluster (written by packages/scale/scripts/start-slurm.sh)
ClusterName=soro
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state_dir/state
SlurmdSpoolDir=$state_dir/spool
SlurmctldPidFile=$state_dir/slurmctld.pid
SlurmdPidFile=$state_dir/slurmd.pid
SlurmctldLogFile=$state_dir/log/slurmctld.log
SlurmdLogFile=$state_dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MaxArraySize=10001
MinJobAge=600
SlurmdTimeout=30
NodeName=$node CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
# Slurm 22 reads cgroup.conf only with cgroup plugins; an empty one keeps newer versions quiet too.
[ -f /etc/slurm/cgroup.conf ] || echo "CgroupPlugin=autodetect" >/etc/slurm/cgroup.conf

if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if id munge >/dev/null 2>&1; then
    su -s /bin/sh munge -c "munged" || munged --force
  else
    munged --force
  fi
fi

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 1 60); do
  if node_ready; then
    echo "start-slurm: $node up ($(sinfo -h -o '%P %t %c'))"
    exit 0
  fi
  # A node left down or drained by an earlier run comes back once the daemons answer.
  if scontrol ping 2>/dev/null | grep -q UP; then
    scontrol update NodeName="$node" State=RESUME 2>/dev/null || true
  fi
  sleep 1
done
echo "start-slurm: $node did not become ready; see $state_dir/log/" >&2
sinfo >&2 || true
tail -n 20 "$state_dir"/log/*.log >&2 || true
exit 1
