#!/usr/bin/env python3
"""fake-schedd.py: a scheduler that orders what the real one never would.

It listens on plain TCP (the agent runs with insecure = yes), writes the
port it got to --port-file, accepts one agent, answers its hello (lease
60 s), reads its ad and sends a `start` order for job --job run 1 on slot
1, whatever the ad said of that slot, then waits for the agent's
`started` or `exited` about it and prints that message as one JSON line
(docs/protocol.md: 12-byte frame header, payload length u32, type u16,
version u8 = 1, flags u8, request id u32, big endian; then a JSON object).
It also prints the ad's `machine` member, first, as `ad {...}`.  Its
hello says protocol revision --rev (1; -1: says none, as a scheduler
older than revisions).
Exit 0 once it printed the answer, 1 if the agent said nothing of the job
within --wait seconds, 2 on usage.
"""

import argparse
import json
import os
import select
import socket
import struct
import sys
import time

MSG = {"hello": 1, "error": 2, "ad": 64, "heartbeat": 65, "start": 66,
       "started": 67, "exited": 68, "exit-ack": 69, "slot": 71}
NAMES = {v: k for k, v in MSG.items()}
HDR = struct.Struct(">IHBBI")


def send(sock, kind, obj, reqid=0):
    body = json.dumps(obj, separators=(",", ":")).encode()
    sock.sendall(HDR.pack(len(body), MSG[kind], 1, 0, reqid) + body)


def frames(sock, deadline):
    """Yield (type name, JSON object) until DEADLINE or the agent leaves."""
    buf = b""
    while True:
        while len(buf) >= HDR.size:
            n, t, _v, fl, _rq = HDR.unpack_from(buf)
            if len(buf) < HDR.size + n:
                break
            body = buf[HDR.size:HDR.size + n]
            buf = buf[HDR.size + n:]
            if not fl & 1:
                yield NAMES.get(t, str(t)), json.loads(body)
        left = deadline - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([sock], [], [], left)
        if not r:
            return
        chunk = sock.recv(65536)
        if not chunk:
            return
        buf += chunk


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--job", default="1.0")
    ap.add_argument("--wait", type=float, default=60)
    ap.add_argument("--rev", type=int, default=1)
    args = ap.parse_args()

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, args.port_file)
    ls.settimeout(args.wait)
    sock, _ = ls.accept()
    deadline = time.monotonic() + args.wait
    ordered = False
    for kind, msg in frames(sock, deadline):
        if kind == "hello":
            # docs/protocol.md, "Revisions": from revision 1 on, the
            # agent sends it everything it has.
            hello = {"version": 1, "role": "schedd", "lease_ms": 60000}
            if args.rev >= 0:
                hello["rev"] = args.rev
            send(sock, "hello", hello)
        elif kind == "ad" and not ordered:
            print("ad " + json.dumps(msg.get("machine", {})), flush=True)
            send(sock, "start", {
                "job": args.job, "run": 1, "slot": 1,
                "owner": "nobody", "uid": 65534,
                "desc": {"proc": 0, "executable": "/bin/true",
                         "arguments": []}}, 7)
            ordered = True
        elif kind in ("started", "exited") and msg.get("job") == args.job:
            print(json.dumps(msg), flush=True)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
