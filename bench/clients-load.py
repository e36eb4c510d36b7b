#!/usr/bin/env python3
"""clients-load.py: the load of bench/clients-load.sh (issue 9's load
test).  Against the scheduler's socket SOCK (pid SPID) it keeps NCONN
hostile connections open, spread over NUSERS uids (one forked process
each, setuid to 60001...; as root) so that no user passes the scheduler's
max_conns_per_user, each connection of one kind drawn with a fixed seed:

  idle     says hello, then nothing
  garbage  sends 64 random bytes (the scheduler closes it), reconnects
  slow     says hello, announces a submit of 256 KiB and sends 16 bytes
           of it a second (the half-frame deadline closes it), reconnects

Meanwhile it runs NSUB real submits (`cq submit` of one /bin/true job,
4 at a time, as the caller), times `cq q` every 0.2 s, and reads the
scheduler's VmHWM.  Then 16 connections try to park 120 MiB each of a
128 MiB frame (the half-frame budget admits what fits), and the RSS is
read while they are parked and after they closed.  Prints "metric value"
lines; exit 1 if a real submit failed.  Usage: clients-load.py CQ SOCK SPID SUBFILE [NCONN NUSERS NSUB]
"""
import json
import os
import random
import select
import socket
import struct
import subprocess
import sys
import threading
import time

SEED = 9
HELLO, SUBMIT = 1, 16


def frame_hdr(length, mtype, reqid):
    return struct.pack(">IHBBI", length, mtype, 1, 0, reqid)


def hello_bytes():
    body = b'{"version":1,"role":"client"}'
    return frame_hdr(len(body), HELLO, 1) + body


class Conn:
    def __init__(self, kind, path, rnd):
        self.kind, self.path, self.rnd = kind, path, rnd
        self.s = None
        self.next = 0.0

    def open(self, stats):
        try:
            self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.s.setblocking(False)
            self.s.connect(self.path)
        except OSError:
            stats["connect_fail"] += 1
            self.close()
            self.next = time.monotonic() + 1
            return
        stats["opened"] += 1
        try:
            if self.kind == "garbage":
                self.s.send(bytes(self.rnd.getrandbits(8)
                                  for _ in range(64)))
            else:
                self.s.send(hello_bytes())
                if self.kind == "slow":
                    self.s.send(frame_hdr(256 * 1024, SUBMIT, 2) + b"{")
        except OSError:
            pass
        self.next = time.monotonic() + 1

    def close(self):
        if self.s is not None:
            self.s.close()
        self.s = None

    def tick(self, now, stats):
        if self.s is None:
            if now >= self.next:
                self.open(stats)
            return
        if self.kind == "slow" and now >= self.next:
            try:
                self.s.send(b" " * 16)
            except OSError:
                pass
            self.next = now + 1

    def readable(self, stats):
        try:
            data = self.s.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            return      # hello replies, refusals: read and dropped
        stats["closed_" + self.kind] += 1
        self.close()
        # Closed by the scheduler: come back a little later.
        self.next = time.monotonic() + self.rnd.uniform(0.1, 0.5)


def load_process(path, kinds, uid, stop_fd, out_fd):
    """A child: become UID, keep the connections of KINDS going."""
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    rnd = random.Random(SEED * 1000 + uid)
    stats = {"opened": 0, "connect_fail": 0, "closed_idle": 0,
             "closed_garbage": 0, "closed_slow": 0}
    conns = [Conn(k, path, rnd) for k in kinds]
    for c in conns:
        c.open(stats)
    while True:
        now = time.monotonic()
        for c in conns:
            c.tick(now, stats)
        fds = {c.s.fileno(): c for c in conns if c.s is not None}
        r, _, _ = select.select(list(fds) + [stop_fd], [], [], 0.2)
        if stop_fd in r:
            break
        for fd in r:
            fds[fd].readable(stats)
    os.write(out_fd, (repr(stats) + "\n").encode())
    os._exit(0)


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def main(argv):
    cq, sock, spid, subfile = argv[1], argv[2], int(argv[3]), argv[4]
    nconn = int(argv[5]) if len(argv) > 5 else 1000
    nusers = int(argv[6]) if len(argv) > 6 else 20
    nsub = int(argv[7]) if len(argv) > 7 else 200
    rnd = random.Random(SEED)
    kinds = [rnd.choice(["idle", "idle", "garbage", "slow"])
             for _ in range(nconn)]
    print("load_conns %d (idle %d, garbage %d, slow %d) over %d users"
          % (nconn, kinds.count("idle"), kinds.count("garbage"),
             kinds.count("slow"), nusers))
    stop_r, stop_w = os.pipe()
    out_r, out_w = os.pipe()
    kids = []
    per = (nconn + nusers - 1) // nusers
    for u in range(nusers):
        part = kinds[u * per:(u + 1) * per]
        if not part:
            break
        pid = os.fork()
        if pid == 0:
            os.close(stop_w)
            load_process(sock, part, 60001 + u, stop_r, out_w)
        kids.append(pid)
    time.sleep(3)       # let the load settle
    print("rss_loaded_kb %d" % vm(spid, "VmRSS"))

    lat, qfail = [], [0]
    done = threading.Event()

    def q_loop():
        while not done.is_set():
            t0 = time.monotonic()
            r = subprocess.run([cq, "q", "-a"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                qfail[0] += 1
            else:
                lat.append((time.monotonic() - t0) * 1000)
            time.sleep(0.2)

    ok, bad, lock = [0], [], threading.Lock()
    todo = list(range(nsub))

    def sub_worker():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            r = subprocess.run([cq, "submit", "--terse", subfile],
                               capture_output=True, text=True)
            with lock:
                if r.returncode == 0:
                    ok[0] += 1
                else:
                    bad.append(r.stderr.strip())

    qt = threading.Thread(target=q_loop)
    qt.start()
    t0 = time.monotonic()
    ws = [threading.Thread(target=sub_worker) for _ in range(4)]
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    t1 = time.monotonic()
    # The jobs run on the pool's agent while the load goes on.
    while time.monotonic() - t1 < 120:
        r = subprocess.run([cq, "q", "-a", "--json"], capture_output=True,
                           text=True)
        if r.returncode == 0 and json.loads(r.stdout) == []:
            break
        time.sleep(0.5)
    t2 = time.monotonic()
    # Keep the load a little longer: slow connections meet their deadline.
    while time.monotonic() - t0 < 40:
        time.sleep(0.5)
    done.set()
    qt.join()
    hwm = vm(spid, "VmHWM")
    os.write(stop_w, b"x")
    os.close(stop_w)
    totals = {}
    with os.fdopen(out_r) as f:
        os.close(out_w)
        for line in f:
            for k, v in eval(line).items():
                totals[k] = totals.get(k, 0) + v
    for pid in kids:
        os.waitpid(pid, 0)
    time.sleep(3)
    print("submits_ok %d of %d (%.1f s for all)" % (ok[0], nsub, t1 - t0))
    for b in bad[:5]:
        print("submit_failed %s" % b)
    print("jobs_done_after_s %.1f" % (t2 - t0))
    print("cq_q_runs %d failed %d" % (len(lat), qfail[0]))
    if lat:
        print("cq_q_p50_ms %.1f" % percentile(lat, 50))
        print("cq_q_p99_ms %.1f" % percentile(lat, 99))
        print("cq_q_max_ms %.1f" % max(lat))
    print("load %s" % " ".join("%s=%d" % kv for kv in sorted(totals.items())))
    print("rss_peak_kb %d" % hwm)
    print("rss_after_kb %d" % vm(spid, "VmRSS"))
    big_half_frames(sock, spid)
    return 0 if ok[0] == nsub else 1


def big_half_frames(sock, spid):
    """Issue 9's attack 5b: 16 connections each park 120 MiB of a 128 MiB
    submit.  The half-frame budget lets what fits in; the rest are told
    and closed; once all close the memory goes back."""
    conns, refused = [], 0
    body = b" " * (1 << 20)
    for _ in range(16):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        s.sendall(hello_bytes())
        s.recv(4096)
        try:
            s.sendall(frame_hdr((128 << 20) - 12, SUBMIT, 2))
            for _ in range(120):
                s.sendall(body)
            conns.append(s)
        except OSError:
            refused += 1
            s.close()
    time.sleep(1)
    print("big_half_frames 16 x 120 MiB of 128 MiB: %d parked, %d refused"
          % (len(conns), refused))
    print("rss_parked_kb %d" % vm(spid, "VmRSS"))
    for s in conns:
        s.close()
    time.sleep(3)
    print("rss_peak_after_big_kb %d" % vm(spid, "VmHWM"))
    print("rss_after_big_closed_kb %d" % vm(spid, "VmRSS"))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
