/*
 * main-ssh.c: the `cq-ssh` program, the same command line as cq (cq.c)
 * with the SSH transport of `cq -H ssh://...` (ssh.c).  cq runs it, from
 * its own directory and with the same arguments, for a command with -H
 * or CQ_HOST; on its own it does what cq does.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cq.h"
#include "ssh.h"

static const struct client_ssh main_ssh = {
	ssh_exec, ssh_write, ssh_read, ssh_chan_error, ssh_chan_close
};

/* With -H: run `cq ARGV...` on the far side, its output and exit here. */
static int
main_far(const char *url, int argc, char **argv)
{
	struct ssh_chan	*ch;
	char		 cmd[8192], q[2048];
	int		 a, rc;

	strlcpy(cmd, "cq", sizeof cmd);
	for (a = 0; a < argc; a++) {
		if (ssh_quote(q, sizeof q, argv[a]) == -1 ||
		    strlcat(cmd, " ", sizeof cmd) >= sizeof cmd ||
		    strlcat(cmd, q, sizeof cmd) >= sizeof cmd) {
			fprintf(stderr, "cq: arguments too long\n");
			return CQ_EXIT_USAGE;
		}
	}
	if ((ch = ssh_exec(url, cmd, 0)) == NULL)
		return CQ_EXIT_FAIL;
	rc = ssh_relay(ch);
	ssh_chan_close(ch);
	return rc == -1 ? CQ_EXIT_FAIL : rc;
}

static const struct cq_far main_far_ssh = {
	ssh_url_check, &main_ssh, main_far
};

int
main(int argc, char **argv)
{
	return cq_main(argc, argv, &main_far_ssh);
}
