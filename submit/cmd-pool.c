/*
 * cmd-pool.c: `cq pool up [--agents N]` and `cq pool down`: a personal
 * pool on this machine, a scheduler and N agents, with everything under
 * $CQ_HOME (default ~/.local/state/cq): the configurations it used
 * (schedd.conf, startd.conf), the daemons' logs (log/), their pids
 * (run/), each agent's credential (run/startd-N.state/) and the
 * scheduler's state (schedd/).  `up` gives the agents the scheduler's
 * certificate fingerprint to pin and a short-lived pool token (in
 * startd.conf, mode 0600) to enroll with, and returns once every agent
 * has registered.  CQ_* variables pass through to both daemons.  Run
 * as root, it first makes the agents' slot users (docs/jobs-users.md).
 * `cq pool fingerprint` prints that fingerprint, for the agents of a real
 * pool; the other `cq pool` subcommands are cmd-pool-admin.c's.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "clock.h"
#include "cq.h"
#include "jsonx.h"
#include "mkdirs.h"
#include "msg.h"
#include "sysuser.h"
#include "tls-fp.h"

#define POOL_MAX_AGENTS		64
#define POOL_START_TIMEOUT_MS	20000
#define POOL_TOKEN_LIFETIME_MS	(10 * 60 * 1000)	/* to enroll at up */

static void
pool_sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The directory this cq binary is in, where the daemons sit too. */
static int
pool_bindir(char *dir, size_t len)
{
	char	exe[PATH_MAX];
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) == -1)
		return -1;
	exe[n] = '\0';
	if (strlcpy(dir, dirname(exe), len) >= len)
		return -1;
	return 0;
}

static int
pool_write_mode(const char *path, const char *text, mode_t mode)
{
	char	tmp[PATH_MAX];
	int	fd;
	size_t	len = strlen(text);

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode)) == -1)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	return rename(tmp, path);
}

static int
pool_write(const char *path, const char *text)
{
	return pool_write_mode(path, text, 0644);
}

/* Start PROG -f -c CONF detached, logging to LOG; its pid goes to PIDF. */
static pid_t
pool_spawn(const char *prog, const char *conf, const char *log,
    const char *pidf, const char *name, const char *lsock)
{
	char	pidtext[32], sbox[1100];
	const char *dot;
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		setsid();
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			close(fd);
		}
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND,
		    0644)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (name != NULL)
			setenv("CQ_NAME", name, 1);
		if (lsock != NULL) {
			setenv("CQ_LOCAL_SOCKET", lsock, 1);
			/* Each agent its own sandboxes, beside its socket. */
			if (getenv("CQ_SANDBOX_DIR") == NULL &&
			    (dot = strrchr(lsock, '.')) != NULL) {
				snprintf(sbox, sizeof sbox, "%.*s.sandbox",
				    (int)(dot - lsock), lsock);
				setenv("CQ_SANDBOX_DIR", sbox, 1);
			}
			/* And its credential. */
			if (getenv("CQ_STATE_DIR") == NULL &&
			    (dot = strrchr(lsock, '.')) != NULL) {
				snprintf(sbox, sizeof sbox, "%.*s.state",
				    (int)(dot - lsock), lsock);
				setenv("CQ_STATE_DIR", sbox, 1);
			}
		}
		execl(prog, prog, "-f", "-c", conf, (char *)NULL);
		fprintf(stderr, "cq: exec %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	snprintf(pidtext, sizeof pidtext, "%ld\n", (long)pid);
	if (pool_write(pidf, pidtext) == -1)
		fprintf(stderr, "cq: %s: %s\n", pidf, strerror(errno));
	return pid;
}

/* Connected agents and their slots, from the scheduler. */
static int
pool_count(size_t *agents, size_t *slots)
{
	struct json_object	*req, *rep, *rows, *r;
	const char		*names[POOL_MAX_AGENTS * 4];
	size_t			 i, k, n, nn = 0;

	struct client		*c;
	uint16_t		 rtype;

	if ((c = client_open_quiet()) == NULL)
		return -1;
	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("machines"));
	rep = client_call(c, MSG_QUERY, req, &rtype);
	json_object_put(req);
	client_close(c);
	if (rep == NULL)
		return -1;
	rows = jsonx_get(rep, "rows");
	n = json_object_array_length(rows);
	*slots = 0;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (!jsonx_bool(r, "connected", 0))
			continue;
		(*slots)++;
		for (k = 0; k < nn; k++)
			if (strcmp(names[k], jsonx_str(r, "machine", "")) == 0)
				break;
		if (k == nn && nn < sizeof names / sizeof names[0])
			names[nn++] = jsonx_str(r, "machine", "");
	}
	*agents = nn;
	json_object_put(rep);
	return 0;
}

/*
 * The scheduler's certificate fingerprint into FP (FPLEN bytes): 1, or 0
 * if it runs with insecure = yes; -1 with a message printed.
 */
static int
pool_fingerprint(char *fp, size_t fplen)
{
	struct json_object	*req, *rep, *row;
	struct client		*c;
	const char		*errstr;
	uint8_t			 bin[TLS_FP_LEN];
	uint16_t		 rtype;
	int			 rc = -1;

	if ((c = client_open()) == NULL)
		return -1;
	req = json_object_new_object();
	json_object_object_add(req, "what", json_object_new_string("pool"));
	rep = client_call(c, MSG_QUERY, req, &rtype);
	json_object_put(req);
	client_close(c);
	if (rep == NULL)
		return -1;
	row = json_object_array_get_idx(jsonx_get(rep, "rows"), 0);
	if (jsonx_bool(row, "insecure", 0))
		rc = 0;
	else if (fplen > TLS_FP_HEXLEN && tls_fp_parse(jsonx_str(row,
	    "fingerprint", ""), bin, &errstr) == 0) {
		tls_fp_format(bin, fp);
		rc = 1;
	} else
		fprintf(stderr, "cq: the scheduler gave no fingerprint\n");
	json_object_put(rep);
	return rc;
}

static int
pool_print_fingerprint(void)
{
	char	fp[128];

	switch (pool_fingerprint(fp, sizeof fp)) {
	case 1:
		printf("%s\n", fp);
		return CQ_EXIT_OK;
	case 0:
		fprintf(stderr, "cq: the scheduler runs with insecure = yes: "
		    "plain TCP, no certificate to pin\n");
		return CQ_EXIT_FAIL;
	default:
		return CQ_EXIT_FAIL;
	}
}

static int
pool_alive(void)
{
	struct client	*c;

	if ((c = client_open_quiet()) == NULL)
		return 0;
	client_close(c);
	return 1;
}

/*
 * As root, the agents' slot users (cq-slot1, ... or CQ_SLOT_USER's prefix;
 * as many as CQ_SLOTS or the cores say): an agent refuses a slot whose
 * user is missing.  -1 if one cannot be made.
 */
static int
pool_slot_users(void)
{
	const char	*prefix = getenv("CQ_SLOT_USER"), *v, *errstr;
	char		 name[128], err[256];
	long long	 n;
	int		 i, r;

	if (geteuid() != 0)
		return 0;
	if (prefix == NULL)
		prefix = "cq-slot";
	if (*prefix == '\0')
		return 0;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if ((v = getenv("CQ_SLOTS")) != NULL && *v != '\0') {
		n = strtonum(v, 0, 1024, &errstr);
		if (errstr != NULL)
			return 0;	/* the agent says what is wrong */
		if (n == 0)
			n = sysconf(_SC_NPROCESSORS_ONLN);
	}
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof name, "%s%d", prefix, i);
		if ((r = sysuser_ensure(name, err, sizeof err)) == -1) {
			fprintf(stderr, "cq: slot user %s: %s\n", name, err);
			return -1;
		}
		if (r == 1)
			printf("made the slot user %s\n", name);
	}
	return 0;
}

/*
 * As root, the user the agents' network children run as (CQ_AGENT_USER or
 * cq-agent, as agent_user says): an agent refuses to start without it.
 */
static int
pool_agent_user(void)
{
	const char	*user = getenv("CQ_AGENT_USER");
	char		 err[256];
	int		 r;

	if (geteuid() != 0)
		return 0;
	if (user == NULL || *user == '\0')
		user = "cq-agent";
	if ((r = sysuser_ensure(user, err, sizeof err)) == -1) {
		fprintf(stderr, "cq: agent user %s: %s\n", user, err);
		return -1;
	}
	if (r == 1)
		printf("made the agent user %s\n", user);
	return 0;
}

static int
pool_up(int nagents)
{
	const char	*home = client_home();
	char		 bindir[PATH_MAX], path[PATH_MAX], prog[PATH_MAX + 32];
	char		 conf[PATH_MAX], addrf[PATH_MAX], text[3 * PATH_MAX];
	char		 log[PATH_MAX], pidf[PATH_MAX], addr[128];
	char		 host[128], name[200], sock[PATH_MAX];
	char		 lsock[PATH_MAX], fp[128], pin[160], token[128];
	FILE		*f;
	int64_t		 deadline;
	size_t		 agents = 0, slots = 0;
	int		 i;

	snprintf(sock, sizeof sock, "%s/schedd.sock", home);
	setenv("CQ_SOCKET", sock, 1);
	if (pool_alive()) {
		fprintf(stderr, "cq: a pool is already running in %s "
		    "(cq pool down stops it)\n", home);
		return CQ_EXIT_FAIL;
	}
	if (pool_bindir(bindir, sizeof bindir) == -1) {
		fprintf(stderr, "cq: cannot find where cq is installed\n");
		return CQ_EXIT_FAIL;
	}
	snprintf(path, sizeof path, "%s/log", home);
	if (mkdirs(path, 0755) == -1) {
		fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));
		return CQ_EXIT_FAIL;
	}
	snprintf(path, sizeof path, "%s/run", home);
	mkdirs(path, 0755);
	snprintf(path, sizeof path, "%s/schedd", home);
	mkdirs(path, 0755);

	/* The scheduler: any free port on loopback, found in listen.addr. */
	snprintf(conf, sizeof conf, "%s/schedd.conf", home);
	snprintf(text, sizeof text,
	    "# written by cq pool up\n"
	    "state_dir = %s/schedd\n"
	    "socket = %s\n"
	    "listen = 127.0.0.1:0\n"
	    "lease = 60\n"
	    "%s", home, sock, geteuid() == 0 ?
	    "# root's pool: root's jobs run as root\nallow_root_jobs = yes\n" :
	    "");
	if (pool_write(conf, text) == -1) {
		fprintf(stderr, "cq: %s: %s\n", conf, strerror(errno));
		return CQ_EXIT_FAIL;
	}
	snprintf(addrf, sizeof addrf, "%s/schedd/listen.addr", home);
	unlink(addrf);
	snprintf(prog, sizeof prog, "%s/cq-schedd", bindir);
	snprintf(log, sizeof log, "%s/log/schedd.log", home);
	snprintf(pidf, sizeof pidf, "%s/run/schedd.pid", home);
	if (pool_spawn(prog, conf, log, pidf, NULL, NULL) == -1) {
		fprintf(stderr, "cq: cannot start %s\n", prog);
		return CQ_EXIT_FAIL;
	}
	deadline = clock_mono_ms() + POOL_START_TIMEOUT_MS;
	addr[0] = '\0';
	while (clock_mono_ms() < deadline) {
		if ((f = fopen(addrf, "r")) != NULL) {
			if (fgets(addr, sizeof addr, f) == NULL)
				addr[0] = '\0';
			fclose(f);
			addr[strcspn(addr, "\n")] = '\0';
			if (addr[0] != '\0' && pool_alive())
				break;
		}
		pool_sleep_ms(20);
	}
	if (addr[0] == '\0' || !pool_alive()) {
		fprintf(stderr, "cq: the scheduler did not start; see %s\n",
		    log);
		return CQ_EXIT_FAIL;
	}

	/* The agents, pinning the scheduler's certificate. */
	switch (pool_fingerprint(fp, sizeof fp)) {
	case 1:
		snprintf(pin, sizeof pin, "fingerprint = %s\n", fp);
		break;
	case 0:
		snprintf(pin, sizeof pin, "insecure = yes\n");
		break;
	default:
		return CQ_EXIT_FAIL;
	}
	/* ... with a token to enroll (they keep credentials). */
	if (cq_pool_token(NULL, POOL_TOKEN_LIFETIME_MS, token,
	    sizeof token) == -1) {
		fprintf(stderr, "cq: cannot get a pool token for the agents\n");
		return CQ_EXIT_FAIL;
	}
	snprintf(conf, sizeof conf, "%s/startd.conf", home);
	snprintf(text, sizeof text,
	    "# written by cq pool up: jobs run at once (no owner sources)\n"
	    "schedd = %s\n"
	    "%s"
	    "activity =\n"
	    "token = %s\n", addr, pin, token);
	explicit_bzero(token, sizeof token);
	if (pool_write_mode(conf, text, 0600) == -1) {
		fprintf(stderr, "cq: %s: %s\n", conf, strerror(errno));
		return CQ_EXIT_FAIL;
	}
	if (gethostname(host, sizeof host) == -1)
		strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	snprintf(prog, sizeof prog, "%s/cq-startd", bindir);
	if (pool_agent_user() == -1 || pool_slot_users() == -1)
		return CQ_EXIT_FAIL;
	for (i = 1; i <= nagents; i++) {
		if (nagents == 1)
			snprintf(name, sizeof name, "%s", host);
		else
			snprintf(name, sizeof name, "%s-%d", host, i);
		snprintf(log, sizeof log, "%s/log/startd-%d.log", home, i);
		snprintf(pidf, sizeof pidf, "%s/run/startd-%d.pid", home, i);
		snprintf(lsock, sizeof lsock, "%s/run/startd-%d.sock", home, i);
		if (pool_spawn(prog, conf, log, pidf, name, lsock) == -1) {
			fprintf(stderr, "cq: cannot start %s\n", prog);
			return CQ_EXIT_FAIL;
		}
	}
	deadline = clock_mono_ms() + POOL_START_TIMEOUT_MS;
	while (clock_mono_ms() < deadline) {
		if (pool_count(&agents, &slots) == 0 &&
		    agents >= (size_t)nagents)
			break;
		pool_sleep_ms(50);
	}
	if (agents < (size_t)nagents) {
		fprintf(stderr, "cq: only %zu of %d agents registered; see "
		    "%s/log/\n", agents, nagents, home);
		return CQ_EXIT_FAIL;
	}
	printf("pool up in %s: scheduler at %s, %zu agent(s), %zu slot(s)\n",
	    home, addr, agents, slots);
	if (getenv("CQ_HOME") == NULL)
		printf("(the default CQ_HOME: cq finds this pool by itself)\n");
	else
		printf("use it with: export CQ_HOME=%s\n", home);
	return CQ_EXIT_OK;
}

static int
pool_stop_pid(const char *pidf)
{
	FILE		*f;
	char		 buf[32];
	const char	*errstr;
	pid_t		 pid;
	int		 i;

	if ((f = fopen(pidf, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	pid = (pid_t)strtonum(buf, 2, INT32_MAX, &errstr);
	unlink(pidf);
	if (errstr != NULL)
		return 0;
	if (kill(pid, SIGTERM) == -1)
		return 0;
	for (i = 0; i < 200; i++) {	/* 10 s */
		if (kill(pid, 0) == -1)
			return 1;
		pool_sleep_ms(50);
	}
	kill(pid, SIGKILL);
	return 1;
}

static int
pool_down(void)
{
	const char	*home = client_home();
	char		 run[PATH_MAX], pidf[PATH_MAX + 300];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	snprintf(run, sizeof run, "%s/run", home);
	if ((d = opendir(run)) != NULL) {
		/* Agents first, so they can say goodbye to the scheduler. */
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "startd-", 7) != 0)
				continue;
			snprintf(pidf, sizeof pidf, "%s/%s", run, de->d_name);
			n += pool_stop_pid(pidf);
		}
		closedir(d);
	}
	snprintf(pidf, sizeof pidf, "%s/schedd.pid", run);
	n += pool_stop_pid(pidf);
	printf("pool down: %d daemon(s) stopped\n", n);
	return CQ_EXIT_OK;
}

int
cmd_pool(int argc, char **argv)
{
	const char	*errstr;
	long long	 n = 1;

	if (argc >= 2 && strcmp(argv[1], "up") == 0) {
		if (argc == 4 && strcmp(argv[2], "--agents") == 0) {
			n = strtonum(argv[3], 1, POOL_MAX_AGENTS, &errstr);
			if (errstr != NULL)
				return cq_usage("pool");
		} else if (argc != 2)
			return cq_usage("pool");
		return pool_up((int)n);
	}
	if (argc == 2 && strcmp(argv[1], "down") == 0)
		return pool_down();
	if (argc == 2 && strcmp(argv[1], "fingerprint") == 0)
		return pool_print_fingerprint();
	return cmd_pool_admin(argc, argv);
}
