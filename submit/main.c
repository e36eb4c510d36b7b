/*
 * main.c: the `cq` program, the command line without SSH: it links no
 * libssh2 and no OpenSSL, so it starts quickly (docs/deps.md), and hands
 * a command with -H or CQ_HOST to cq-ssh (main-ssh.c).
 */
#include "config.h"

#include "cq.h"

int
main(int argc, char **argv)
{
	return cq_main(argc, argv, NULL);
}
