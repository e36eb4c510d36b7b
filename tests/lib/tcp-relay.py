#!/usr/bin/env python3
"""tcp-relay.py HOST PORT|@FILE: copy stdin to a TCP connection to HOST:PORT
(the port read from FILE at each connection with @FILE) and
the connection to stdout until either side closes.  qemu's user-mode
network runs it once per guest connection (guestfwd=...-cmd:), with the
guest's connection as stdin and stdout: t-netboot.sh's guests reach the
test's scheduler on loopback this way.  Writes nothing to stderr, which is
the guest's connection too."""
import os
import select
import socket
import sys

def main():
    try:
        port = sys.argv[2]
        if port.startswith("@"):
            with open(port[1:]) as f:
                port = f.read().strip()
        s = socket.create_connection((sys.argv[1], int(port)), timeout=10)
    except (OSError, ValueError):
        return 1
    s.settimeout(None)
    guest_open = True
    while True:
        rl = [s] + ([0] if guest_open else [])
        r, _, _ = select.select(rl, [], [])
        if 0 in r:
            data = os.read(0, 65536)
            if not data:
                guest_open = False
                s.shutdown(socket.SHUT_WR)
            else:
                s.sendall(data)
        if s in r:
            data = s.recv(65536)
            if not data:
                return 0
            view = memoryview(data)
            while view:
                n = os.write(1, view)
                view = view[n:]

if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError:
        sys.exit(1)
