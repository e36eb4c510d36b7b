#!/usr/bin/env python3
"""qmp.py SOCKET COMMAND [ARGUMENTS-JSON]: one QMP command to the qemu
whose monitor listens on the unix SOCKET; prints its "return" as JSON and
exits 0, or prints the error and exits 1."""
import json
import socket
import sys

def main():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    f = s.makefile("rw")
    f.readline()
    cmds = [{"execute": "qmp_capabilities"}, {"execute": sys.argv[2]}]
    if len(sys.argv) > 3:
        cmds[1]["arguments"] = json.loads(sys.argv[3])
    for c in cmds:
        f.write(json.dumps(c) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                break
        if "error" in r:
            print(json.dumps(r["error"]))
            return 1
    print(json.dumps(r["return"]))
    return 0

if __name__ == "__main__":
    sys.exit(main())
