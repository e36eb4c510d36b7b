#!/bin/bash
# t-fault: the fault-injection suite (scripts/fault.sh), bounded: 3
# rounds of 20 jobs with seed 12 on a pool of a scheduler and 3 agents,
# 3 faults a round at random moments (the seed picks when and whom), so
# each kind at least once: the scheduler, an agent or both killed with
# SIGKILL and started again, or stopped with SIGSTOP for less or more
# than the 3 s lease, an agent's cable cut (on hosts in network
# namespaces; on loopback without them, and no cut), the scheduler's
# disk (a tmpfs) filled and freed.
# It fails when an acknowledged job is lost, a completed job runs again
# to completion, two copies of a job run at once, the user logs disagree
# with the history, or a process is left behind.  The longer run:
# scripts/fault.sh -r ROUNDS -s SEED (bench/RESULTS.md).
: "${CQ_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
export CQ_SRCDIR
CQ_TEST_TIMEOUT=${CQ_TEST_TIMEOUT:-150} \
    exec bash "$CQ_SRCDIR/scripts/fault.sh" -r 3 -s 12 -j 20 -a 3 -f 3
