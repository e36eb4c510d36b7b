#!/usr/bin/env python3
"""cqclient.py: a raw client of the scheduler's socket for the limit and
privacy tests (t-client-limits, t-privacy).  It speaks the frames of
docs/protocol.md itself, so it can do what `cq` never does: hold many
connections, sit idle, announce a frame and not send it.

  cqclient.py SOCKET hold N SECS      open N connections, hello on each;
                                      print "ok K refused R" and the
                                      first refusal, keep them in use
                                      (a query each every 0.5 s) SECS s
  cqclient.py SOCKET query JSON       hello, one query; print the reply
  cqclient.py SOCKET idle SECS        hello, then wait up to SECS for the
                                      scheduler to close; print its words
  cqclient.py SOCKET busy SECS        hello, then a query every 0.5 s for
                                      SECS on the one connection
  cqclient.py SOCKET half LEN SECS [HOLD]
                                      hello, then a submit header that
                                      announces LEN bytes and 1 KiB of it;
                                      print the scheduler's answer, or
                                      "open" if it has none in SECS (and
                                      keep the connection HOLD s more)
  cqclient.py SOCKET items ITEMS DIGEST K
                                      hello, then the lines of the file
                                      ITEMS as item frames (256 KiB, as
                                      cq submit sends them); after K of
                                      them print "paused N" (N frames in
                                      all) and wait for a line on stdin;
                                      then the rest and a submit of the
                                      factory DIGEST (a JSON file); print
                                      the reply

Exit 0 when the exchange went as the command describes, 1 otherwise.
"""
import json
import socket
import struct
import sys
import time

HELLO, ERROR, SUBMIT, QUERY, QUERY_REPLY = 1, 2, 16, 18, 19
SUBMIT_REPLY, SUBMIT_ITEMS = 17, 27
ITEMFRAME_MAX = 256 * 1024


def frame(mtype, payload, reqid=1, flags=0):
    return struct.pack(">IHBBI", len(payload), mtype, 1, flags,
                       reqid) + payload


def read_frame(s, timeout):
    """One frame (type, object), or None if closed / nothing in time."""
    s.settimeout(timeout)
    buf = b""
    try:
        while len(buf) < 12:
            chunk = s.recv(12 - len(buf))
            if not chunk:
                return None
            buf += chunk
        length, mtype, _, _, _ = struct.unpack(">IHBBI", buf)
        body = b""
        while len(body) < length:
            chunk = s.recv(min(65536, length - len(body)))
            if not chunk:
                return None
            body += chunk
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        return None
    return mtype, json.loads(body)


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def hello(s):
    """The hello reply: (type, object) or None."""
    try:
        s.sendall(frame(HELLO, b'{"version":1,"role":"client"}'))
    except (BrokenPipeError, ConnectionResetError):
        pass
    return read_frame(s, 10)


def greeted(path):
    """A connection the scheduler said hello on, or None (said why)."""
    s = connect(path)
    r = hello(s)
    if r is None or r[0] != HELLO:
        print("hello refused: %s" % (r,))
        return None
    return s


def cmd_hold(path, n, secs):
    conns, ok, refused, first = [], 0, 0, None
    for _ in range(n):
        s = connect(path)
        r = hello(s)
        if r is not None and r[0] == HELLO:
            ok += 1
            conns.append(s)
        else:
            refused += 1
            if first is None and r is not None:
                first = r[1].get("error")
            s.close()
    print("ok %d refused %d" % (ok, refused))
    print("refusal: %s" % first)
    sys.stdout.flush()
    # Keep them in use, so that no idle timeout ends them.
    end, reqid = time.monotonic() + secs, 2
    while time.monotonic() < end:
        for s in conns:
            s.sendall(frame(QUERY, b'{"what":"jobs","mine":true}', reqid))
            if read_frame(s, 10) is None:
                print("a held connection was closed")
                return 1
        reqid += 1
        time.sleep(0.5)
    return 0


def cmd_query(path, text):
    s = greeted(path)
    if s is None:
        return 1
    s.sendall(frame(QUERY, text.encode(), 2))
    r = read_frame(s, 30)
    if r is None:
        print("no reply")
        return 1
    print(json.dumps(r[1]))
    return 0 if r[0] == QUERY_REPLY else 1


def cmd_idle(path, secs):
    s = greeted(path)
    if s is None:
        return 1
    t0 = time.monotonic()
    r = read_frame(s, secs)
    if r is None:
        s.settimeout(0)
        try:
            closed = s.recv(1) == b""
        except BlockingIOError:
            closed = False
        except ConnectionResetError:
            closed = True
        print("closed without a word" if closed else "open")
        return 0 if closed else 1
    # The error comes first; then the connection must end.
    closed = read_frame(s, 5) is None
    print("closed after %.1f s: %s" % (time.monotonic() - t0,
                                       r[1].get("error")))
    return 0 if closed and r[0] == ERROR else 1


def cmd_busy(path, secs):
    s = greeted(path)
    if s is None:
        return 1
    end, n, reqid = time.monotonic() + secs, 0, 2
    while time.monotonic() < end:
        s.sendall(frame(QUERY, b'{"what":"jobs","mine":true}', reqid))
        r = read_frame(s, 10)
        if r is None or r[0] != QUERY_REPLY:
            print("query %d failed: %s" % (n + 1, r))
            return 1
        n += 1
        reqid += 1
        time.sleep(0.5)
    print("%d queries answered on one connection" % n)
    return 0


def cmd_half(path, length, secs, hold):
    s = greeted(path)
    if s is None:
        return 1
    try:
        s.sendall(struct.pack(">IHBBI", length, SUBMIT, 1, 0, 2) +
                  b" " * 1024)
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = read_frame(s, secs)
    if r is None:
        print("open")
        sys.stdout.flush()
        # Hold the half frame HOLD s (the test kills us sooner).
        time.sleep(hold)
        return 0
    print("refused: %s" % r[1].get("error"))
    return 0


def cmd_items(path, items, digest, pause):
    with open(items, "rb") as f:
        lines = f.read().splitlines()
    frames, cur = [], b""
    for line in lines:
        if len(cur) + len(line) + 1 > ITEMFRAME_MAX:
            frames.append(cur)
            cur = b""
        cur += line + b"\n"
    if cur:
        frames.append(cur)
    with open(digest) as f:
        text = json.dumps({"factory": json.load(f)}).encode()
    s = greeted(path)
    if s is None:
        return 1
    try:
        for i, fr in enumerate(frames):
            if i == pause:
                print("paused %d" % len(frames))
                sys.stdout.flush()
                sys.stdin.readline()
            s.sendall(frame(SUBMIT_ITEMS, fr, 2, 1))
        s.sendall(frame(SUBMIT, text, 3))
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = read_frame(s, 60)
    if r is None:
        print("no reply")
        return 1
    print(json.dumps(r[1]))
    return 0 if r[0] == SUBMIT_REPLY else 1


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    path, cmd, args = argv[1], argv[2], argv[3:]
    if cmd == "hold":
        return cmd_hold(path, int(args[0]), float(args[1]))
    if cmd == "query":
        return cmd_query(path, args[0])
    if cmd == "items":
        return cmd_items(path, args[0], args[1], int(args[2]))
    if cmd == "idle":
        return cmd_idle(path, float(args[0]))
    if cmd == "busy":
        return cmd_busy(path, float(args[0]))
    if cmd == "half":
        return cmd_half(path, int(args[0]), float(args[1]),
                        float(args[2]) if len(args) > 2 else 0)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
