#!/usr/bin/env python3
"""agent-crowd.py: many stand-in agents in one process, for the tests of a
scheduler at its open-file limit (t-schedd-nofile).

  agent-crowd.py --addr HOST:PORT --token TOKEN --count N [--tls]
                 [--prefix NAME] [--hold SECS]

It dials N agent links one after the other, each saying hello (enrolling
with the pool token) and sending an ad of one slot that matches no job
(Arch and OpSys NONE); a link the scheduler closes or does not answer in
5 s counts as refused.  It prints "registered K refused R" once all were
tried, then holds the registered links (a heartbeat each every 5 s) for
SECS; on SIGUSR1 it closes one of them and prints "left NAME".  Speaks
the frames of docs/protocol.md through rogue-agent.py's Link.
"""

import argparse
import importlib.util
import os
import signal
import socket
import ssl
import sys
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "rogue_agent", os.path.join(_here, "rogue-agent.py"))
rogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rogue)


def dial(args, name):
    host, port = args.addr.rsplit(":", 1)
    sock = socket.create_connection((host.strip("[]"), int(port)), 5)
    sock.settimeout(5)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock)
    link = rogue.Link(sock)
    link.send("hello", {"version": 1, "role": "agent", "name": name,
                        "token": args.token})
    m = link.recv(5)
    if m is None or m[0] != "hello":
        raise ConnectionError("no hello: %r" % (m,))
    link.send("ad", {"name": name,
                     "slots": [{"id": 1, "cpus": 1, "memory_mb": 64,
                                "state": "UNCLAIMED"}],
                     "jobs": [],
                     "machine": {"Arch": "NONE", "OpSys": "NONE",
                                 "TotalDisk": 1 << 20}})
    return link


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--addr", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--prefix", default="crowd")
    ap.add_argument("--hold", type=float, default=60)
    args = ap.parse_args()

    links = []
    refused = 0
    for i in range(args.count):
        name = "%s%d" % (args.prefix, i + 1)
        try:
            links.append((name, dial(args, name)))
        except (OSError, EOFError, ConnectionError, ssl.SSLError):
            refused += 1
    print("registered %d refused %d" % (len(links), refused), flush=True)

    leave = []
    signal.signal(signal.SIGUSR1, lambda s, f: leave.append(1))
    end = time.monotonic() + args.hold
    beat = 0
    while time.monotonic() < end:
        while leave and links:
            leave.pop()
            name, link = links.pop()
            link.sock.close()
            print("left %s" % name, flush=True)
        if time.monotonic() >= beat:
            beat = time.monotonic() + 5
            for name, link in links:
                try:
                    link.send("heartbeat", {"seq": 1})
                except OSError:
                    pass
        time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
