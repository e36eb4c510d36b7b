#!/bin/bash
# t-ckpt-netns: t-ckpt-coop.sh with the scheduler and the three agents on
# hosts in network namespaces of their own, so every file and checkpoint
# crosses a bridge, not loopback; skipped where namespaces cannot be made.
CKPT_NETNS=1
export CKPT_NETNS
. "$(dirname "$0")/t-ckpt-coop.sh"
