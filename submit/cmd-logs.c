/*
 * cmd-logs.c: `cq logs [-f] [--stdout|--stderr] ID`: print what a job
 * wrote to its output and error files so far.  The paths come from the
 * job's description (the scheduler returns it with desc=true); with a
 * shared filesystem they are readable by the user here, otherwise this
 * says the file cannot be read and why.  `-f` follows the files like
 * `tail -f` until the job leaves the queue.  Job stdout goes to our
 * stdout and job stderr to our stderr, unless one was chosen (then to
 * stdout).  Reads at most LOGS_CHUNK bytes at a time: any file size.
 * Another user's job has no description in the reply (docs/privacy.md):
 * that is refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cq.h"
#include "jsonx.h"
#include "msg.h"

#define LOGS_CHUNK	65536
#define LOGS_POLL_MS	200

struct logs_file {
	const char	*what;		/* "output", "error" */
	char		 path[4096];
	int		 fd;
	FILE		*to;
	int		 said;		/* the "cannot read" was printed */
};

static struct json_object *
logs_query(const char *what, const char *id)
{
	struct json_object	*req, *ids;
	struct json_object	*rep;

	req = json_object_new_object();
	ids = json_object_new_array();
	json_object_array_add(ids, json_object_new_string(id));
	json_object_object_add(req, "what", json_object_new_string(what));
	json_object_object_add(req, "ids", ids);
	json_object_object_add(req, "desc", json_object_new_boolean(1));
	rep = cq_request(MSG_QUERY, req);
	json_object_put(req);
	return rep;
}

/* Copy what is new in F; 0, or -1 if it cannot be read (said once). */
static int
logs_pump(struct logs_file *f, int quiet_missing)
{
	char	buf[LOGS_CHUNK];
	ssize_t	n;

	if (f->fd == -1) {
		if ((f->fd = open(f->path, O_RDONLY | O_CLOEXEC)) == -1) {
			if (errno == ENOENT && quiet_missing)
				return 0;	/* not created yet */
			if (!f->said)
				fprintf(stderr, "cq logs: cannot read the "
				    "job's %s %s: %s (it is written on the "
				    "machine that runs the job; without a "
				    "shared filesystem it is not here)\n",
				    f->what, f->path, strerror(errno));
			f->said = 1;
			return -1;
		}
	}
	while ((n = read(f->fd, buf, sizeof buf)) > 0) {
		if (fwrite(buf, 1, (size_t)n, f->to) != (size_t)n)
			return -1;
	}
	fflush(f->to);
	if (n == -1) {
		fprintf(stderr, "cq logs: %s: %s\n", f->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
logs_in_queue(const char *id)
{
	struct json_object	*rep;
	size_t			 n;

	if ((rep = logs_query("jobs", id)) == NULL)
		return -1;
	n = json_object_array_length(jsonx_get(rep, "rows"));
	json_object_put(rep);
	return n > 0;
}

int
cmd_logs(int argc, char **argv)
{
	struct json_object	*rep, *rows, *desc;
	struct logs_file	 files[2];
	struct timespec		 ts = { 0, LOGS_POLL_MS * 1000000L };
	const char		*id = NULL, *p, *iwd;
	int			 a, follow = 0, want_out = 1, want_err = 1;
	int			 nf = 0, i, rc = CQ_EXIT_OK, inq, ticks = 0;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "-f") == 0 ||
		    strcmp(argv[a], "--follow") == 0)
			follow = 1;
		else if (strcmp(argv[a], "--stdout") == 0)
			want_err = 0, want_out = 1;
		else if (strcmp(argv[a], "--stderr") == 0)
			want_out = 0, want_err = 1;
		else if (argv[a][0] == '-')
			return cq_bad_arg("logs", argv[a]);
		else if (id != NULL)
			return cq_usage("logs");
		else
			id = argv[a];
	}
	if (id == NULL)
		return cq_usage("logs");
	if (!cq_is_job_id(id)) {
		fprintf(stderr, "cq logs: bad job id '%s' (expected CLUSTER "
		    "or CLUSTER.PROC)\n", id);
		return CQ_EXIT_USAGE;
	}
	if ((rep = logs_query("jobs", id)) == NULL)
		return CQ_EXIT_FAIL;
	rows = jsonx_get(rep, "rows");
	if (json_object_array_length(rows) == 0) {
		json_object_put(rep);
		if ((rep = logs_query("history", id)) == NULL)
			return CQ_EXIT_FAIL;
		rows = jsonx_get(rep, "rows");
		follow = 0;
	}
	if (json_object_array_length(rows) != 1) {
		fprintf(stderr, "cq logs: %s: %s\n", id,
		    json_object_array_length(rows) == 0 ? "no such job" :
		    "names several jobs: give CLUSTER.PROC");
		json_object_put(rep);
		return CQ_EXIT_FAIL;
	}
	desc = jsonx_get(json_object_array_get_idx(rows, 0), "desc");
	if (desc == NULL) {
		/* The scheduler keeps another user's files to itself. */
		fprintf(stderr, "cq logs: %s: permission denied: the job is "
		    "user %s's\n", id, jsonx_str(json_object_array_get_idx(
		    rows, 0), "owner", "?"));
		json_object_put(rep);
		return CQ_EXIT_FAIL;
	}
	iwd = jsonx_str(desc, "initialdir", "/");
	for (i = 0; i < 2; i++) {
		if ((i == 0 && !want_out) || (i == 1 && !want_err))
			continue;
		p = jsonx_str(desc, i == 0 ? "output" : "error", NULL);
		if (p == NULL || strcmp(p, "/dev/null") == 0) {
			fprintf(stderr, "cq logs: job %s has no %s file (it "
			    "goes to /dev/null)\n", id, i == 0 ? "output" :
			    "error");
			continue;
		}
		if (nf == 1 && strcmp(files[0].path, p) == 0)
			continue;	/* output and error in one file */
		memset(&files[nf], 0, sizeof files[nf]);
		files[nf].what = i == 0 ? "output" : "error";
		if (p[0] == '/')
			snprintf(files[nf].path, sizeof files[nf].path, "%s",
			    p);
		else
			snprintf(files[nf].path, sizeof files[nf].path,
			    "%s/%s", iwd, p);
		files[nf].fd = -1;
		files[nf].to = i == 1 && want_out ? stderr : stdout;
		nf++;
	}
	json_object_put(rep);
	if (nf == 0)
		return CQ_EXIT_FAIL;
	for (i = 0; i < nf; i++)
		if (logs_pump(&files[i], follow) == -1)
			rc = CQ_EXIT_FAIL;
	while (follow && rc == CQ_EXIT_OK) {
		nanosleep(&ts, NULL);
		/* Ask the scheduler once a second, read the files 5 times. */
		if (++ticks % 5 == 0) {
			if ((inq = logs_in_queue(id)) == -1)
				rc = CQ_EXIT_FAIL;
			if (inq != 1)
				follow = 0;
		}
		for (i = 0; i < nf; i++)
			if (logs_pump(&files[i], follow) == -1)
				rc = CQ_EXIT_FAIL;
	}
	for (i = 0; i < nf; i++)
		if (files[i].fd != -1)
			close(files[i].fd);
	return rc;
}
