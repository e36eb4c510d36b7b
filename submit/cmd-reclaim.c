/*
 * cmd-reclaim.c: `cq reclaim [-t DURATION] [-s SOCKET]`, for the person
 * at the desktop: every job on this machine is vacated now and the agent
 * stays out of the way for DURATION (default 1 h).  It talks to the local
 * agent, not the scheduler; no root needed for the console's user.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "client.h"
#include "cq.h"
#include "jsonx.h"
#include "msg.h"

/* The agent's socket: -s, CQ_LOCAL_SOCKET, a personal pool's, the system's. */
static const char *
reclaim_socket(const char *given)
{
	static char	 path[PATH_MAX];
	const char	*s;

	if (given != NULL)
		return given;
	if ((s = getenv("CQ_LOCAL_SOCKET")) != NULL && *s != '\0')
		return s;
	snprintf(path, sizeof path, "%s/run/startd-1.sock", client_home());
	if (access(path, F_OK) == 0)
		return path;
	return "/run/cq/startd.sock";
}

int
cmd_reclaim(int argc, char **argv)
{
	struct client		*c;
	struct json_object	*req, *rep;
	const char		*sock = NULL, *errstr;
	int64_t			 ms = 3600 * 1000;
	uint16_t		 rtype;
	int			 a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-t") == 0 && a + 1 < argc) {
			if (cfg_parse_duration(argv[++a], &ms, &errstr) == -1) {
				fprintf(stderr, "cq: reclaim: %s\n", errstr);
				return CQ_EXIT_USAGE;
			}
		} else if (strcmp(argv[a], "-s") == 0 && a + 1 < argc)
			sock = argv[++a];
		else
			return cq_bad_arg("reclaim", argv[a]);
	}
	if ((c = client_open_agent(reclaim_socket(sock))) == NULL)
		return CQ_EXIT_FAIL;
	req = json_object_new_object();
	json_object_object_add(req, "duration_ms", json_object_new_int64(ms));
	rep = client_call(c, MSG_RECLAIM, req, &rtype);
	json_object_put(req);
	client_close(c);
	if (rep == NULL)
		return CQ_EXIT_FAIL;
	printf("reclaimed for %lld s: %lld job(s) vacated\n",
	    (long long)(ms / 1000), (long long)jsonx_int(rep, "count", 0));
	json_object_put(rep);
	return CQ_EXIT_OK;
}
