/*
 * cmd-pool.c: `cq pool up [--agents N]`, `cq pool restart` and `cq pool
 * down`: a personal pool on this machine, a scheduler and N agents, with
 * everything under $CQ_HOME (default ~/.local/state/cq): the
 * configurations it used (schedd.conf, startd.conf), the daemons' logs
 * (log/), their pids (run/), each agent's credential
 * (run/startd-N.state/) and the scheduler's state (schedd/).  `up` gives
 * the agents the scheduler's certificate fingerprint to pin and a
 * short-lived pool token (in startd.conf, mode 0600) to enroll with, and
 * returns once every agent has registered.  Over a pool that crashed in
 * part it starts only what is down and adopts what runs (poolproc.c
 * finds it); the scheduler comes back on the port its agents know
 * (listen.addr), so they keep their jobs.  `restart` stops the scheduler
 * first.  `down` stops the agents once the scheduler has their jobs'
 * ends, then the scheduler.  CQ_* variables pass through to both
 * daemons.  Run as root, it first makes the agents' slot users
 * (docs/jobs-users.md).  `cq pool fingerprint` prints that fingerprint,
 * for the agents of a real pool; the other `cq pool` subcommands are
 * cmd-pool-admin.c's.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

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

#include "cfg.h"
#include "client.h"
#include "clock.h"
#include "cq.h"
#include "jsonx.h"
#include "mkdirs.h"
#include "msg.h"
#include "poolproc.h"
#include "sysuser.h"
#include "tls-fp.h"

#define POOL_MAX_AGENTS		POOLPROC_MAX_AGENTS
#define POOL_START_TIMEOUT_MS	20000
#define POOL_AGENT_STOP_MS	30000	/* vacate, report, goodbye */
#define POOL_TOKEN_LIFETIME_MS	(10 * 60 * 1000)	/* to enroll at up */

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

/* PATH says PID (rewritten if it says anything else). */
static void
pool_pidfile_fix(const char *path, pid_t pid)
{
	char	text[32];

	if (poolproc_pidfile(path) == pid)
		return;
	snprintf(text, sizeof text, "%ld\n", (long)pid);
	if (pool_write(path, text) == -1)
		fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));
	else
		printf("%s said another pid: now %ld\n", path, (long)pid);
}

/* The last lines of LOG, to say why a daemon did not start. */
static void
pool_log_tail(const char *log, int lines)
{
	char	 buf[8192];
	FILE	*f;
	size_t	 n;
	long	 off;
	char	*p;
	int	 k = 0;

	if ((f = fopen(log, "r")) == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (off = ftell(f)) > 0) {
		off = off > (long)sizeof buf - 1 ? off - (long)sizeof buf + 1 :
		    0;
		if (fseek(f, off, SEEK_SET) == 0) {
			n = fread(buf, 1, sizeof buf - 1, f);
			buf[n] = '\0';
			if (n > 0 && buf[n - 1] == '\n')
				buf[--n] = '\0';
			for (p = buf + n; p > buf; p--)
				if (p[-1] == '\n' && ++k == lines)
					break;
			fprintf(stderr, "%s\n", p);
		}
	}
	fclose(f);
}

/* The address in HOME/schedd/listen.addr into ADDR; -1 if none. */
static int
pool_listen_addr(const char *home, char *addr, size_t len)
{
	char	 path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof path, "%s/schedd/listen.addr", home);
	addr[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(addr, (int)len, f) == NULL)
		addr[0] = '\0';
	fclose(f);
	addr[strcspn(addr, "\n")] = '\0';
	return addr[0] != '\0' ? 0 : -1;
}

/*
 * Start the scheduler of the pool in HOME and wait until it answers; its
 * agents' address into ADDR.  Its state directory keeps the port it had
 * (listen.addr), so agents still running find it again.
 */
static int
pool_start_schedd(const char *home, const char *bindir, char *addr,
    size_t addrlen)
{
	char	 path[PATH_MAX], conf[PATH_MAX], text[3 * PATH_MAX];
	char	 prog[PATH_MAX + 32], log[PATH_MAX], pidf[PATH_MAX];
	int64_t	 deadline;
	pid_t	 pid;
	int	 status;

	snprintf(path, sizeof path, "%s/log", home);
	if (mkdirs(path, 0755) == -1) {
		fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/run", home);
	mkdirs(path, 0755);
	snprintf(path, sizeof path, "%s/schedd", home);
	mkdirs(path, 0755);

	/* Any free port on loopback the first time; the same one after. */
	snprintf(conf, sizeof conf, "%s/schedd.conf", home);
	snprintf(text, sizeof text,
	    "# written by cq pool up\n"
	    "state_dir = %s/schedd\n"
	    "socket = %s/schedd.sock\n"
	    "listen = 127.0.0.1:0\n"
	    "lease = 60\n"
	    "%s", home, home, geteuid() == 0 ?
	    "# root's pool: root's jobs run as root\nallow_root_jobs = yes\n" :
	    "");
	if (pool_write(conf, text) == -1) {
		fprintf(stderr, "cq: %s: %s\n", conf, strerror(errno));
		return -1;
	}
	snprintf(prog, sizeof prog, "%s/cq-schedd", bindir);
	snprintf(log, sizeof log, "%s/log/schedd.log", home);
	snprintf(pidf, sizeof pidf, "%s/run/schedd.pid", home);
	if ((pid = pool_spawn(prog, conf, log, pidf, NULL, NULL)) == -1) {
		fprintf(stderr, "cq: cannot start %s\n", prog);
		return -1;
	}
	deadline = clock_mono_ms() + POOL_START_TIMEOUT_MS;
	while (clock_mono_ms() < deadline) {
		/* It answers once it listens for agents too (main.c). */
		if (pool_alive() && pool_listen_addr(home, addr, addrlen) == 0)
			return 0;
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		poolproc_sleep_ms(20);
	}
	fprintf(stderr, "cq: the scheduler did not start; the end of %s:\n",
	    log);
	pool_log_tail(log, 3);
	return -1;
}

/*
 * No agent runs, so none knows the scheduler's port: if the one it had
 * (listen.addr) has been taken meanwhile, it may take a new one, rather
 * than refuse to start (which it does where agents wait for it there).
 */
static void
pool_forget_port(const char *home)
{
	struct sockaddr_in	 sin;
	char			 addr[128], host[64], path[PATH_MAX];
	const char		*errstr;
	int			 fd, port, one = 1, taken;

	if (pool_listen_addr(home, addr, sizeof addr) == -1 ||
	    cfg_parse_hostport(addr, host, sizeof host, &port, &errstr) == -1)
		return;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	/* As the scheduler binds: a port in TIME_WAIT is free to it. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	taken = bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 &&
	    errno == EADDRINUSE;
	close(fd);
	if (!taken)
		return;
	snprintf(path, sizeof path, "%s/schedd/listen.addr", home);
	if (unlink(path) == 0)
		printf("the scheduler's port %d is taken now: it takes a new "
		    "one\n", port);
}

/*
 * The agents' startd.conf: the scheduler's address, its certificate to
 * pin and a token to enroll with (agents keep the credential they get).
 */
static int
pool_agents_conf(const char *home, const char *addr)
{
	char	conf[PATH_MAX], text[3 * PATH_MAX], fp[128], pin[160];
	char	token[128];

	switch (pool_fingerprint(fp, sizeof fp)) {
	case 1:
		snprintf(pin, sizeof pin, "fingerprint = %s\n", fp);
		break;
	case 0:
		snprintf(pin, sizeof pin, "insecure = yes\n");
		break;
	default:
		return -1;
	}
	if (cq_pool_token(NULL, POOL_TOKEN_LIFETIME_MS, token,
	    sizeof token) == -1) {
		fprintf(stderr, "cq: cannot get a pool token for the agents\n");
		return -1;
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
		return -1;
	}
	return 0;
}

/* The scheduler address HOME/startd.conf gives the agents, "" if none. */
static void
pool_agents_addr(const char *home, char *addr, size_t len)
{
	char	 path[PATH_MAX], line[512], *v;
	FILE	*f;

	addr[0] = '\0';
	snprintf(path, sizeof path, "%s/startd.conf", home);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "schedd = ", 9) != 0)
			continue;
		v = line + 9;
		strlcpy(addr, v, len);
	}
	fclose(f);
}

static int
pool_start_agent(const char *home, const char *bindir, int i, int nagents)
{
	char	host[128], name[200], prog[PATH_MAX + 32], conf[PATH_MAX];
	char	log[PATH_MAX], pidf[PATH_MAX], lsock[PATH_MAX];

	if (gethostname(host, sizeof host) == -1)
		strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	if (nagents == 1)
		snprintf(name, sizeof name, "%s", host);
	else
		snprintf(name, sizeof name, "%s-%d", host, i);
	snprintf(prog, sizeof prog, "%s/cq-startd", bindir);
	snprintf(conf, sizeof conf, "%s/startd.conf", home);
	snprintf(log, sizeof log, "%s/log/startd-%d.log", home, i);
	snprintf(pidf, sizeof pidf, "%s/run/startd-%d.pid", home, i);
	snprintf(lsock, sizeof lsock, "%s/run/startd-%d.sock", home, i);
	if (pool_spawn(prog, conf, log, pidf, name, lsock) == -1) {
		fprintf(stderr, "cq: cannot start %s\n", prog);
		return -1;
	}
	return 0;
}

/* Wait until NAGENTS agents are connected: -1 if not in time. */
static int
pool_wait_agents(int nagents, size_t *agents, size_t *slots)
{
	int64_t	deadline = clock_mono_ms() + POOL_START_TIMEOUT_MS;

	*agents = *slots = 0;
	while (clock_mono_ms() < deadline) {
		if (pool_count(agents, slots) == 0 &&
		    *agents >= (size_t)nagents)
			return 0;
		poolproc_sleep_ms(50);
	}
	return -1;
}

/*
 * `cq pool up` and `cq pool restart`: start whatever part of the pool in
 * CQ_HOME is not running, adopting what runs (a crashed scheduler's
 * agents keep their jobs and reconnect to the new one on the port it
 * had).  RESTART first stops a running scheduler.  NAGENTS 0: as many
 * agents as the pool had (1 for a new pool).
 */
static int
pool_up(int nagents, int restart)
{
	const char		*home = client_home();
	struct poolproc_state	 ps;
	char			 bindir[PATH_MAX], sock[PATH_MAX + 16];
	char			 addr[128], oldaddr[128], path[PATH_MAX + 32];
	pid_t			 stale[POOL_MAX_AGENTS];
	size_t			 agents = 0, slots = 0, nstale = 0;
	int			 i, known, running, adopted = 0, fresh = 0;
	int			 schedd_new = 0;

	snprintf(sock, sizeof sock, "%s/schedd.sock", home);
	setenv("CQ_SOCKET", sock, 1);
	if (pool_bindir(bindir, sizeof bindir) == -1) {
		fprintf(stderr, "cq: cannot find where cq is installed\n");
		return CQ_EXIT_FAIL;
	}
	/*
	 * Without --agents: as many as the last up gave it (their names
	 * and credentials go with the count), else as many as run.
	 */
	known = poolproc_recorded(home);
	running = poolproc_survey(home, nagents > known ? nagents :
	    known > 0 ? known : poolproc_files(home), &ps);
	if (nagents == 0 && (nagents = known) == 0) {
		for (i = 1; i <= ps.nagents; i++)
			if (ps.agent[i] != 0)
				nagents = i;
		if (nagents == 0)
			nagents = 1;
	}
	running = poolproc_survey(home, nagents, &ps);
	if (!restart && running == nagents + 1 && pool_alive()) {
		fprintf(stderr, "cq: a pool is already running in %s "
		    "(cq pool down stops it, cq pool restart restarts its "
		    "scheduler)\n", home);
		return CQ_EXIT_FAIL;
	}
	if (restart && ps.schedd != 0) {
		/* Its agents keep their jobs and come back to the next. */
		if (poolproc_stop(&ps.schedd, 1, 10000) != 0)
			fprintf(stderr, "cq: the scheduler (pid %ld) did not "
			    "stop in 10 s: killed\n", (long)ps.schedd);
		printf("scheduler stopped (pid %ld)\n", (long)ps.schedd);
		ps.schedd = 0;
	}

	/* The scheduler. */
	snprintf(path, sizeof path, "%s/run/schedd.pid", home);
	if (ps.schedd == 0) {
		if (running == 0)
			pool_forget_port(home);
		if (pool_start_schedd(home, bindir, addr, sizeof addr) == -1)
			return CQ_EXIT_FAIL;
		schedd_new = 1;
	} else if (!pool_alive()) {
		fprintf(stderr, "cq: the scheduler (pid %ld) runs but does "
		    "not answer (stopped?); cq pool restart replaces it\n",
		    (long)ps.schedd);
		return CQ_EXIT_FAIL;
	} else {
		if (pool_listen_addr(home, addr, sizeof addr) == -1) {
			fprintf(stderr, "cq: %s/schedd/listen.addr: no "
			    "address\n", home);
			return CQ_EXIT_FAIL;
		}
		pool_pidfile_fix(path, ps.schedd);
	}

	/* Agents that run but dial another address never find it. */
	pool_agents_addr(home, oldaddr, sizeof oldaddr);
	if (strcmp(oldaddr, addr) != 0) {
		for (i = 1; i <= nagents; i++) {
			if (ps.agent[i] == 0)
				continue;
			fprintf(stderr, "cq: agent %d (pid %ld) dials %s, the "
			    "scheduler is at %s: restarting it (its jobs go "
			    "back to the queue)\n", i, (long)ps.agent[i],
			    oldaddr, addr);
			stale[nstale++] = ps.agent[i];
			ps.agent[i] = 0;
		}
		if (nstale > 0)
			(void)poolproc_stop(stale, nstale, 10000);
	}

	/* The agents: those that run are adopted, the others started. */
	for (i = 1; i <= nagents; i++)
		if (ps.agent[i] == 0)
			fresh++;
	if (fresh > 0 && (pool_agents_conf(home, addr) == -1 ||
	    pool_agent_user() == -1 || pool_slot_users() == -1))
		return CQ_EXIT_FAIL;
	for (i = 1; i <= nagents; i++) {
		snprintf(path, sizeof path, "%s/run/startd-%d.pid", home, i);
		if (ps.agent[i] != 0) {
			pool_pidfile_fix(path, ps.agent[i]);
			adopted++;
		} else if (pool_start_agent(home, bindir, i, nagents) == -1)
			return CQ_EXIT_FAIL;
	}
	snprintf(path, sizeof path, "%s/run/agents", home);
	snprintf(oldaddr, sizeof oldaddr, "%d\n", nagents);
	if (pool_write(path, oldaddr) == -1)
		fprintf(stderr, "cq: %s: %s\n", path, strerror(errno));

	if (pool_wait_agents(nagents, &agents, &slots) == -1) {
		fprintf(stderr, "cq: only %zu of %d agents registered; see "
		    "%s/log/\n", agents, nagents, home);
		return CQ_EXIT_FAIL;
	}
	if (running == 0)
		printf("pool up in %s: scheduler at %s, %zu agent(s), %zu "
		    "slot(s)\n", home, addr, agents, slots);
	else
		printf("pool up in %s: scheduler at %s (%s), %zu agent(s) "
		    "(%d still running, %d started), %zu slot(s)\n", home,
		    addr, schedd_new ? "started" : "still running", agents,
		    adopted, nagents - adopted, slots);
	if (getenv("CQ_HOME") == NULL)
		printf("(the default CQ_HOME: cq finds this pool by itself)\n");
	else
		printf("use it with: export CQ_HOME=%s\n", home);
	return CQ_EXIT_OK;
}

/*
 * `cq pool down`: the agents first, so their jobs' ends reach the
 * scheduler before they go (an agent acknowledged is an agent whose
 * jobs do not run again); a scheduler that is down is started for that
 * first.  A pid file goes once its process has.
 */
static int
pool_down(void)
{
	const char		*home = client_home();
	struct poolproc_state	 ps;
	char			 sock[PATH_MAX + 16], bindir[PATH_MAX];
	char			 addr[128], path[PATH_MAX + 32];
	pid_t			 pids[POOL_MAX_AGENTS];
	size_t			 n = 0, agents, slots, killed;
	int			 i, nagents, stopped = 0;

	snprintf(sock, sizeof sock, "%s/schedd.sock", home);
	setenv("CQ_SOCKET", sock, 1);
	/* Every agent there may be: --agents may have lowered the count. */
	if ((nagents = poolproc_files(home)) < poolproc_recorded(home))
		nagents = poolproc_recorded(home);
	(void)poolproc_survey(home, nagents, &ps);
	for (i = 1; i <= nagents; i++)
		if (ps.agent[i] != 0)
			pids[n++] = ps.agent[i];
	if (ps.schedd == 0 && n > 0) {
		printf("the scheduler is down: starting it so the agents can "
		    "report their jobs first\n");
		if (pool_bindir(bindir, sizeof bindir) == -1 ||
		    pool_start_schedd(home, bindir, addr, sizeof addr) == -1)
			fprintf(stderr, "cq: stopping the agents anyway: what "
			    "their jobs did is lost\n");
		else {
			ps.schedd = poolproc_find_schedd(home);
			if (pool_wait_agents((int)n, &agents, &slots) == -1)
				fprintf(stderr, "cq: only %zu of %zu agents "
				    "came back\n", agents, n);
		}
	}
	if (n > 0) {
		killed = poolproc_stop(pids, n, POOL_AGENT_STOP_MS);
		if (killed > 0)
			fprintf(stderr, "cq: %zu agent(s) did not stop within "
			    "%d s: killed\n", killed, POOL_AGENT_STOP_MS / 1000);
	}
	/* (A pid file whose agent did not run was stale: it goes too.) */
	for (i = 1; i <= nagents; i++) {
		if (ps.agent[i] != 0)
			stopped++;
		snprintf(path, sizeof path, "%s/run/startd-%d.pid", home, i);
		if (ps.agent[i] == 0 || !poolproc_alive(ps.agent[i]))
			(void)unlink(path);
	}
	if (ps.schedd != 0) {
		if (poolproc_stop(&ps.schedd, 1, 10000) != 0)
			fprintf(stderr, "cq: the scheduler did not stop within "
			    "10 s: killed\n");
		stopped++;
	}
	snprintf(path, sizeof path, "%s/run/schedd.pid", home);
	if (ps.schedd == 0 || !poolproc_alive(ps.schedd))
		(void)unlink(path);
	printf("pool down: %d daemon(s) stopped\n", stopped);
	return CQ_EXIT_OK;
}

int
cmd_pool(int argc, char **argv)
{
	const char	*errstr;
	long long	 n = 0;
	int		 restart;

	static const char *const subs = "up restart down fingerprint token "
	    "tokens agents approve revoke forget auto-approve";

	if (argc >= 2 && (strcmp(argv[1], "up") == 0 ||
	    strcmp(argv[1], "restart") == 0)) {
		restart = strcmp(argv[1], "restart") == 0;
		if (argc == 4 && strcmp(argv[2], "--agents") == 0) {
			n = strtonum(argv[3], 1, POOL_MAX_AGENTS, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "cq pool: --agents %s: %s (1 to "
				    "%d)\n", argv[3], errstr, POOL_MAX_AGENTS);
				return CQ_EXIT_USAGE;
			}
		} else if (argc != 2)
			return argv[2][0] == '-' && strcmp(argv[2],
			    "--agents") != 0 ? cq_bad_arg("pool", argv[2]) :
			    cq_usage("pool");
		return pool_up((int)n, restart);
	}
	if (argc < 2)
		return cq_usage("pool");
	if (!cq_words_has(subs, argv[1]))
		return cq_unknown_sub("pool", argv[1], subs);
	if (argc == 2 && strcmp(argv[1], "down") == 0)
		return pool_down();
	if (argc == 2 && strcmp(argv[1], "fingerprint") == 0)
		return pool_print_fingerprint();
	return cmd_pool_admin(argc, argv);
}
