#!/bin/sh
# ckpt-job.sh DIR: the job of bench/ckpt-512*.sh.  On its first run it
# writes a 512 MiB checkpoint file, touches DIR/ready and waits; SIGTERM
# (the vacate) saves ./state and exits 85, its checkpoint_exit_code.  Run
# again with the checkpoint laid into its sandbox, it touches
# DIR/restarted and exits 0.
if [ -f state ]; then
	touch "$1/restarted"
	exit 0
fi
head -c $((512 * 1024 * 1024)) /dev/urandom > ckpt.bin
trap 'echo 1 > state; exit 85' TERM
touch "$1/ready"
while :; do sleep 0.05; done
