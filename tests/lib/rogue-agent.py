#!/usr/bin/env python3
"""rogue-agent.py: a misbehaving agent for the integration tests.

It speaks the agent side of docs/protocol.md (12-byte frame header: payload
length u32, type u16, version u8 = 1, flags u8, request id u32, all big
endian; then a strict JSON object, or raw bytes for file data), says hello
with role agent (and the --token / --credential / --request it is given),
sends an ad
and then does one scripted misbehaviour (--act):

  report   `started` and `exited` (--code) for --job/--run: a run it was
           never given (t-rogue-report).
  slot     a `slot` report naming --job/--run as the one in its slot 1.
  ad       the ad itself lists --job/--run as a job it holds (slot 1).
  machine  nothing more: the ad's `machine` member is --machine (JSON),
           e.g. one whose Start does not parse (t-requirements).
  mute     nothing at all after its hello (no ad): a link that proved a
           name and went silent, as a desktop switched off right after
           its hello (t-creds-silent).
  files    waits for a `start`, swallows the input files that follow it,
           then answers with output files: each --file NAME:MODE (octal)
           with a little content, in order, and `exited` (exit 0) counting
           them (t-rogue-files).
  extra    nothing more: its ad, the ad's machine and the first
           heartbeat each carry a member no revision has, `--extra`
           (what a newer agent might send; t-agent-rev).
  start    waits for a `start` and prints its members, sorted
           (`rogue: start members: a,b,...`), answering nothing.

--rev N announces protocol revision N in the hello (none without it:
revision 0); the members of the scheduler's hello are printed
(`rogue: hello members: ...`), and its revision (`rogue: hello rev: N`)
when it says one.

Afterwards it waits up to --linger seconds for the scheduler to close the
link and prints `closed` or `open` (what the scheduler did is checked in
its log, not by this timing).  --tls wraps the socket in TLS without
verifying the certificate (for an agent link under TLS).  Exit 0 unless the
conversation broke before the misbehaviour was done (1) or usage (2).
"""

import argparse
import os
import platform
import hashlib
import json
import select
import socket
import ssl
import struct
import sys
import time

MSG = {"hello": 1, "error": 2, "ad": 64, "heartbeat": 65, "start": 66,
       "started": 67, "exited": 68, "exit-ack": 69, "kill": 70, "slot": 71,
       "file": 75, "data": 76, "file-ack": 77}
NAMES = {v: k for k, v in MSG.items()}
HDR = struct.Struct(">IHBBI")
RAW = 1


class Link:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.reqid = 100

    def send(self, kind, obj, reqid=0):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.sock.sendall(HDR.pack(len(body), MSG[kind], 1, 0, reqid) + body)

    def send_raw(self, kind, data, reqid):
        self.sock.sendall(HDR.pack(len(data), MSG[kind], 1, RAW, reqid) +
                          data)

    def _fill(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r and not (hasattr(self.sock, "pending") and
                          self.sock.pending()):
            return None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk
        return True

    def recv(self, timeout):
        """(type name, reqid, JSON object or raw bytes), None on timeout;
        EOFError when the scheduler closed the link."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= HDR.size:
                n, t, _v, fl, rq = HDR.unpack_from(self.buf)
                if len(self.buf) >= HDR.size + n:
                    body = self.buf[HDR.size:HDR.size + n]
                    self.buf = self.buf[HDR.size + n:]
                    name = NAMES.get(t, str(t))
                    if fl & RAW:
                        return name, rq, body
                    return name, rq, json.loads(body)
            left = deadline - time.monotonic()
            if left <= 0 or self._fill(left) is None:
                return None


def connect(args):
    host, port = args.addr.rsplit(":", 1)
    sock = socket.create_connection((host.strip("[]"), int(port)), 10)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock)
    return Link(sock)


def hello_and_ad(link, args, held):
    hello = {"version": 1, "role": "agent", "name": args.name,
             "filesystem_domain": "rogue.example"}
    if args.rev is not None:
        hello["rev"] = args.rev
    extra = {args.extra: "x"} if args.act == "extra" else {}
    credential = args.credential
    if credential is None and args.credential_file and \
            os.path.exists(args.credential_file):
        with open(args.credential_file) as f:
            credential = f.read().strip()
    if credential is not None:
        hello["credential"] = credential
    elif args.token is not None:
        hello["token"] = args.token
    elif args.request is not None:
        hello["request"] = args.request
    link.send("hello", hello)
    while True:
        m = link.recv(10)
        if m is None:
            sys.exit("rogue: no hello from the scheduler")
        if m[0] == "hello":
            print("rogue: hello members: %s" % ",".join(sorted(m[2])),
                  flush=True)
            if "rev" in m[2]:
                print("rogue: hello rev: %d" % m[2]["rev"], flush=True)
            # Enrolled with the token: keep the credential for next time.
            if args.credential_file and m[2].get("credential"):
                with open(args.credential_file, "w") as f:
                    f.write(m[2]["credential"] + "\n")
            break
        if m[0] == "error":
            sys.exit("rogue: scheduler said: %s" % m[2].get("error"))
    print("rogue: hello answered", flush=True)
    if args.act == "mute":
        return
    slots = [{"id": i + 1, "cpus": 1, "memory_mb": 256,
              "state": "UNCLAIMED"} for i in range(args.slots)]
    arch = platform.machine()
    arch = {"x86_64": "X86_64", "amd64": "X86_64"}.get(arch, arch)
    machine = {"Arch": arch, "OpSys": "LINUX", "TotalDisk": 1 << 20}
    if args.machine is not None:
        machine = json.loads(args.machine)
    machine.update(extra)
    ad = {"name": args.name, "slots": slots, "jobs": held,
          "machine": machine}
    ad.update(extra)
    link.send("ad", ad)
    hb = {"seq": 1}
    hb.update(extra)
    link.send("heartbeat", hb)


def act_files(link, args):
    """Take the first job given, then send back what --file says."""
    start = None
    deadline = time.monotonic() + args.wait
    while start is None:
        m = link.recv(max(0.1, deadline - time.monotonic()))
        if m is None:
            sys.exit("rogue: no job was started here")
        if m[0] == "start":
            start = m[2]
    job, run = start["job"], start["run"]
    print("rogue: given job %s run %d" % (job, run), flush=True)
    # The input files follow the start: swallow them (data frames too).
    want = start.get("nfiles", 0) if start.get("xfer") else 0
    got = 0
    due = 0
    while got < want or due > 0:
        m = link.recv(30)
        if m is None:
            sys.exit("rogue: the input files did not come")
        if m[0] == "file":
            got += 1
            due = m[2]["size"]
        elif m[0] == "data":
            due -= len(m[2])
    link.send("started", {"job": job, "run": run, "pid": 4242})
    for spec in args.file:
        name, mode = spec.rsplit(":", 1)
        data = ("#!/bin/sh\nid # %s\n" % name).encode()
        link.reqid += 1
        link.send("file", {"job": job, "run": run, "path": name,
                           "size": len(data), "mode": int(mode, 8),
                           "sha256": hashlib.sha256(data).hexdigest(),
                           "kind": "output"}, link.reqid)
        link.send_raw("data", data, link.reqid)
    link.send("exited", {"job": job, "run": run, "code": 0, "signal": 0,
                         "files": len(args.file), "slot_state": "UNCLAIMED"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--addr", required=True, help="scheduler host:port")
    ap.add_argument("--name", default="rogue")
    ap.add_argument("--slots", type=int, default=1)
    ap.add_argument("--token")
    ap.add_argument("--credential")
    ap.add_argument("--request", help="a request key (cqr1.SECRET)")
    ap.add_argument("--credential-file",
                    help="keep the credential the scheduler issues here, "
                    "and present it when the file exists")
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--act", required=True,
                    choices=["report", "slot", "ad", "files", "machine",
                             "mute", "extra", "start"])
    ap.add_argument("--machine", help="the ad's machine member (JSON)")
    ap.add_argument("--rev", type=int, help="protocol revision announced")
    ap.add_argument("--extra", default="CqFromTheFuture",
                    help="the member --act extra adds")
    ap.add_argument("--job", help="CLUSTER.PROC claimed")
    ap.add_argument("--run", type=int, default=1)
    ap.add_argument("--code", type=int, default=0)
    ap.add_argument("--file", action="append", default=[],
                    help="NAME:MODE (octal) sent back as an output")
    ap.add_argument("--wait", type=float, default=60,
                    help="seconds to wait for a job (files)")
    ap.add_argument("--linger", type=float, default=2,
                    help="seconds to wait for the scheduler to close")
    args = ap.parse_args()
    if args.act not in ("files", "machine", "mute", "extra", "start") and \
            args.job is None:
        ap.error("--act %s needs --job" % args.act)

    link = connect(args)
    held = []
    if args.act == "ad":
        held = [{"job": args.job, "run": args.run, "slot": 1,
                 "exited": False}]
    try:
        hello_and_ad(link, args, held)
        if args.act == "report":
            link.send("started", {"job": args.job, "run": args.run,
                                  "pid": 4242})
            link.send("exited", {"job": args.job, "run": args.run,
                                 "code": args.code, "signal": 0,
                                 "slot_state": "UNCLAIMED"})
        elif args.act == "slot":
            link.send("slot", {"slot": 1, "state": "SUSPENDED",
                               "job": args.job, "run": args.run})
        elif args.act == "files":
            act_files(link, args)
        elif args.act == "start":
            deadline = time.monotonic() + args.wait
            while True:
                m = link.recv(max(0.1, deadline - time.monotonic()))
                if m is None:
                    sys.exit("rogue: no job was started here")
                if m[0] == "start":
                    print("rogue: start members: %s" %
                          ",".join(sorted(m[2])), flush=True)
                    break
    except (EOFError, ConnectionError) as e:
        print("rogue: the scheduler closed the link early (%s)" %
              (e or "EOF"), flush=True)
        sys.exit(1)
    try:
        end = time.monotonic() + args.linger
        while time.monotonic() < end:
            m = link.recv(end - time.monotonic())
            if m is not None:
                print("rogue: got %s" % m[0], flush=True)
        print("open")
    except (EOFError, ConnectionError):
        print("closed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
