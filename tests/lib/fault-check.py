#!/usr/bin/env python3
"""fault-check.py DIR: the invariants of the fault-injection suite
(scripts/fault.sh) over the run directory DIR, once the queue drained.

Reads DIR/acked (the submits: "CLUSTER N" acknowledged, "? N" not),
DIR/history.json and DIR/queue.json (the job ads of cq history --json /
cq q -a --json: ClusterId, ProcId, JobStatus, ExitCode, JobRunCount), DIR/runs
(the jobs' own lines, tests/lib/fault-job.sh), the agents' logs
DIR/agent-*.log (which pid each run was, how it ended; "=== killed"
after an incarnation the driver killed), the scheduler's DIR/schedd.log
(at debug level: the stale exits it dropped) and the user logs
DIR/ulog/*.log.

- lost: an acknowledged job not completed with exit 0 (or still queued),
  or a cluster of an unacknowledged submit not whole.
- twice: a job with other than one completion (an E line) of the run the
  history has, a completion of a later run, or a completion of an
  earlier run whose end the scheduler could have taken: the run's agent
  was not killed, the run was not killed after its last line, and the
  scheduler did not drop its exit as stale.
- overlap: two runs of one job that were alive at once (each from its S
  to its E line).
- ulog: a completed job without exactly one terminate event (005) and
  one submit event (000) in its user log (identical repeats aside: a
  scheduler killed between writing and marking repeats them,
  docs/userlog.md), or a terminate event for a job not completed.

Prints what is wrong, one line each, then a last line
"lost N twice N overlap N ulog N rerun N repeats N completed N" (rerun:
completions of earlier runs that are allowed; repeats: repeated user
log events).  Exit 0 unless it could not read its input.
"""
import glob
import json
import os
import re
import sys

COMPLETED = 4   # JobStatus


def jobid(ad):
    """CLUSTER.PROC of a job ad."""
    return "%s.%s" % (ad.get("ClusterId"), ad.get("ProcId"))


def main():
    d = sys.argv[1]
    bad = {"lost": [], "twice": [], "overlap": [], "ulog": []}
    allowed = []

    acked = {}
    unacked_sizes = set()	# the sizes of the submits not acknowledged
    with open(os.path.join(d, "acked")) as f:
        for line in f:
            c, n = line.split()
            if c == "?":
                unacked_sizes.add(int(n))
            else:
                acked[int(c)] = int(n)
    with open(os.path.join(d, "history.json")) as f:
        hist = {jobid(r): r for r in json.load(f)}
    with open(os.path.join(d, "queue.json")) as f:
        queue = {jobid(r): r for r in json.load(f)}

    # --- lost ---------------------------------------------------------------
    for c, n in sorted(acked.items()):
        for p in range(n):
            jid = "%d.%d" % (c, p)
            r = hist.get(jid)
            if r is None:
                q = queue.get(jid)
                bad["lost"].append("job %s: %s" % (jid, "not in the queue "
                                   "nor the history" if q is None else
                                   "still queued: JobStatus %s" % q.get("JobStatus")))
            elif r.get("JobStatus") != COMPLETED or r.get("ExitCode") != 0:
                bad["lost"].append("job %s: ended JobStatus %s exit %s" % (
                    jid, r.get("JobStatus"), r.get("ExitCode")))
    seen = {}
    for jid in list(hist) + list(queue):
        c, p = (int(x) for x in jid.split("."))
        seen.setdefault(c, set()).add(p)
    for c, procs in sorted(seen.items()):
        if c in acked:
            continue
        if not any(procs == set(range(n)) for n in unacked_sizes):
            bad["lost"].append("cluster %d (never acknowledged) holds "
                               "procs %s" % (c, sorted(procs)))

    # --- the agents: which run each pid was, how it ended -------------------
    started = {}	# (job, pgid) -> [(agent, incarnation, run)]
    ended = {}		# (agent, incarnation, job, run) -> (code, signal)
    killed = set()	# (agent, incarnation)
    re_start = re.compile(r"job (\d+\.\d+) run (\d+): started pid (\d+) ")
    re_exit = re.compile(r"job (\d+\.\d+) run (\d+): exited "
                         r"\(code (-?\d+), signal (\d+)\)")
    for path in glob.glob(os.path.join(d, "agent-*.log")):
        agent = os.path.basename(path)[len("agent-"):-len(".log")]
        inc = 0
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("=== start"):
                    inc += 1
                elif line.startswith("=== killed"):
                    killed.add((agent, inc))
                elif (m := re_start.search(line)):
                    started.setdefault((m[1], m[3]), []).append(
                        (agent, inc, int(m[2])))
                elif (m := re_exit.search(line)):
                    ended[(agent, inc, m[1], int(m[2]))] = (int(m[3]),
                                                            int(m[4]))
    stale = set()
    re_stale = re.compile(r"exit of stale (\d+\.\d+) run (\d+)")
    with open(os.path.join(d, "schedd.log"), errors="replace") as f:
        for line in f:
            if (m := re_stale.search(line)):
                stale.add((m[1], int(m[2])))

    # --- the jobs' own count ------------------------------------------------
    runs = {}		# job -> {pgid: [start_ns, end_ns]}
    with open(os.path.join(d, "runs")) as f:
        for line in f:
            w = line.split()
            if len(w) != 4:
                continue	# (a line cut by a kill: none expected)
            kind, jid, pgid, ns = w
            iv = runs.setdefault(jid, {}).setdefault(pgid, [None, None])
            if kind == "S":
                iv[0] = int(ns)
            else:
                if iv[1] is not None:
                    bad["twice"].append("job %s: two ends from pid %s"
                                        % (jid, pgid))
                iv[1] = int(ns)

    completed = 0
    for jid, r in sorted(hist.items()):
        if r.get("JobStatus") != COMPLETED:
            continue
        completed += 1
        hrun = r.get("JobRunCount")
        mine = runs.get(jid, {})
        accepted = 0
        for pgid, (s, e) in sorted(mine.items()):
            if e is None:
                continue
            who = [w for pid in pgid.split(",")
                   for w in started.get((jid, pid), [])]
            if len(who) != 1:
                bad["twice"].append("job %s: the end of pid %s is %s run" % (
                    jid, pgid, "no" if not who else "more than one"))
                continue
            agent, inc, run = who[0]
            if run == hrun:
                accepted += 1
                continue
            if run > hrun:
                bad["twice"].append("job %s: run %d (pid %s on %s) ended "
                                    "after run %d completed" % (
                                        jid, run, pgid, agent, hrun))
                continue
            code, sig = ended.get((agent, inc, jid, run), (None, None))
            # (The first that holds, from the most telling.)
            if (jid, run) in stale:
                why = "its exit came after the run was given up"
            elif sig not in (None, 0) or code not in (None, 0):
                why = "killed after its last line (code %s, signal %s)" % (
                    code, sig)
            elif (agent, inc) in killed:
                why = "its agent was killed before it reported the end"
            else:
                bad["twice"].append("job %s: run %d (pid %s on %s) ended "
                                    "with code %s, yet run %d ran too" % (
                                        jid, run, pgid, agent, code, hrun))
                continue
            allowed.append((jid, run, why))
        if accepted != 1:
            bad["twice"].append("job %s: %d counted ends of run %s, the "
                                "completed one" % (jid, accepted, hrun))
        # Two runs alive at once.
        ivs = sorted((s, e, pgid) for pgid, (s, e) in mine.items()
                     if s is not None and e is not None)
        for i in range(1, len(ivs)):
            if ivs[i][0] < ivs[i - 1][1]:
                bad["overlap"].append("job %s: pid %s started %.3f s before "
                                      "pid %s ended" % (
                                          jid, ivs[i][2],
                                          (ivs[i - 1][1] - ivs[i][0]) / 1e9,
                                          ivs[i - 1][2]))
    # Ends of jobs the history does not have at all.
    for jid in runs:
        if jid not in hist and jid not in queue:
            bad["twice"].append("job %s ran but is not in the history" % jid)

    # --- the user logs ------------------------------------------------------
    events = {}		# job -> code -> [event text]
    re_head = re.compile(r"^(\d{3}) \((\d+)\.(\d+)\.\d+\) ")
    for path in glob.glob(os.path.join(d, "ulog", "*.log")):
        with open(path, errors="replace") as f:
            cur = None
            for line in f:
                if cur is None:
                    m = re_head.match(line)
                    if not m:
                        bad["ulog"].append("%s: not an event header: %s" % (
                            path, line.rstrip()))
                        continue
                    jid = "%d.%d" % (int(m[2]), int(m[3]))
                    cur = [m[1], jid, line]
                elif line.rstrip("\n") == "...":
                    events.setdefault(cur[1], {}).setdefault(
                        cur[0], []).append(cur[2])
                    cur = None
                else:
                    cur[2] += line
    repeats = 0
    for jid, r in sorted(hist.items()):
        ev = events.get(jid, {})
        for code in ("000", "005"):
            got = ev.get(code, [])
            if code == "005" and r.get("JobStatus") != COMPLETED:
                if got:
                    bad["ulog"].append("job %s: terminate event, but it "
                                       "ended JobStatus %s" % (jid, r.get("JobStatus")))
                continue
            if len(set(got)) != 1:
                bad["ulog"].append("job %s: %d different %s events" % (
                    jid, len(set(got)), code))
            repeats += len(got) - len(set(got))
        if r.get("JobStatus") == COMPLETED and not ev.get("001"):
            bad["ulog"].append("job %s: completed without an execute "
                               "event" % jid)
    for jid in events:
        if jid not in hist and jid not in queue:
            bad["ulog"].append("job %s: in a user log, not in the queue "
                               "nor the history" % jid)

    for k in ("lost", "twice", "overlap", "ulog"):
        for s in bad[k][:20]:
            print("%s: %s" % (k, s))
    for jid, run, why in allowed[:5]:
        print("allowed: job %s run %d: %s" % (jid, run, why))
    causes = {}
    for _, _, why in allowed:
        why = why.split(" (")[0]
        causes[why] = causes.get(why, 0) + 1
    print("causes: %s" % ("; ".join("%s: %d" % kv for kv in
                                   sorted(causes.items())) or "none"))
    print("lost %d twice %d overlap %d ulog %d rerun %d repeats %d "
          "completed %d" % (len(bad["lost"]), len(bad["twice"]),
                            len(bad["overlap"]), len(bad["ulog"]),
                            len(allowed), repeats, completed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
