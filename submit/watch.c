/*
 * watch.c: the live view (`-w`) that `cq q` and `cq status` share, like
 * watch(1) and condor_watch_q but without flicker: the screen is never
 * cleared between frames.  Each frame is drawn into memory first, then
 * written with one write(2): cursor home, each line followed by
 * erase-to-end-of-line, then erase-below, so a line is only ever replaced
 * by its next version.  Lines are cut at the terminal's width (escape
 * sequences do not count) and the frame at its height, so nothing wraps
 * or scrolls; a frame taller than the screen loses rows in the middle,
 * says how many, and keeps its totals (watch_lines()).  It runs on the alternate screen with the cursor hidden;
 * the terminal is in non-canonical, no-echo mode so a single `q` quits;
 * SIGINT, SIGTERM and SIGHUP end it, SIGWINCH redraws at the new size.
 * Signals are blocked except inside ppoll(2), so none is lost between a
 * check and the wait.  While it runs stderr goes to a temporary file:
 * what a failing frame printed there (the scheduler is gone...) becomes
 * the message of the view, its first line marked as retried, and the next frame retries.  Everything
 * is restored on the way out.  Callers: cmd-q.c, cmd-status.c.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cq.h"
#include "watch.h"

#define WATCH_MAX_LINE	4096	/* bytes of one drawn line we look at */

static volatile sig_atomic_t	watch_quit, watch_winch;

static void
watch_signal(int sig)
{
	if (sig == SIGWINCH)
		watch_winch = 1;
	else
		watch_quit = 1;
}

int
watch_interval(const char *s, int *ms)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.1) ||
	    v > 3600)
		return -1;
	*ms = (int)(v * 1000);
	return 0;
}

static void
watch_write(const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(STDOUT_FILENO, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Append LINE (LEN bytes, no newline) to OUT cut at WIDTH visible
 * columns: CSI sequences are copied whole and count nothing, UTF-8
 * continuation bytes count nothing.
 */
static void
watch_cut(FILE *out, const char *line, size_t len, size_t width)
{
	size_t	i = 0, vis = 0, start;

	while (i < len) {
		if (line[i] == '\033' && i + 1 < len && line[i + 1] == '[') {
			start = i;
			for (i += 2; i < len && !(line[i] >= 0x40 &&
			    line[i] <= 0x7e); i++)
				;
			if (i < len)
				i++;
			fwrite(line + start, 1, i - start, out);
			continue;
		}
		if (((unsigned char)line[i] & 0xc0) != 0x80) {
			if (vis == width)
				break;
			vis++;
		}
		if ((unsigned char)line[i] >= 0x20 || line[i] == '\033')
			fputc(line[i], out);
		else
			fputc('?', out);	/* no tab or CR in place */
		i++;
	}
}

/* What was written to FD (stderr), its first 4 KiB, without the ending
 * blanks. */
static void
watch_errtext(int fd, char *buf, size_t len)
{
	ssize_t	n;

	buf[0] = '\0';
	if (lseek(fd, 0, SEEK_SET) == -1 || (n = read(fd, buf, len - 1)) <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

/*
 * Put the frame BODY on the screen (into O) within WIDTH x HEIGHT.  When
 * it is taller, the rows in the middle give way, never its end: the
 * lines from the table's end on (the totals, a warning) stay, and a line
 * says how many rows are not shown.
 */
static void
watch_lines(FILE *o, char *body, size_t width, size_t height)
{
	char	**line, *p, *nl, more[128];
	size_t	  n = 0, cap = 64, i, tail, top, out = 0;

	line = calloc(cap, sizeof *line);
	for (p = body; line != NULL && *p != '\0'; p = nl + 1) {
		if (n == cap && (line = reallocarray(line, cap *= 2,
		    sizeof *line)) == NULL)
			break;
		line[n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
	}
	if (line == NULL)
		return;
	/*
	 * The end that stays: from the first blank line after the title's
	 * (the table's end) on: the totals and what follows them.
	 */
	tail = 0;
	if (n > height) {
		for (i = 2; i < n; i++)
			if (line[i][0] == '\0')
				break;
		if (i < n && n - i + 2 <= height)
			tail = n - i;
	}
	top = n <= height ? n : height - tail - 1;
	for (i = 0; i < n && out < height; i++) {
		if (i == top && n > height) {
			snprintf(more, sizeof more, "... %zu more rows not "
			    "shown", n - top - tail);
			if (out > 0)
				fputs("\r\n", o);
			watch_cut(o, more, strlen(more), width);
			fputs("\033[m\033[K", o);
			out++;
			i = n - tail;
			if (i >= n)
				break;
		}
		if (out > 0)
			fputs("\r\n", o);
		watch_cut(o, line[i], strlen(line[i]) < WATCH_MAX_LINE ?
		    strlen(line[i]) : WATCH_MAX_LINE, width);
		fputs("\033[m\033[K", o);
		out++;
	}
	free(line);
}

/* Draw one frame and put it on the screen. */
static void
watch_frame(const char *title, int interval_ms, watch_draw_fn draw,
    void *arg, int errfd)
{
	struct winsize	 ws;
	size_t		 width = 80, height = 24, len, olen;
	char		*body = NULL, *obuf = NULL, now[16];
	char		 head[256], err[4096], *nl;
	FILE		*f, *o;
	time_t		 t = time(NULL);
	struct tm	 tm;
	int		 rc;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		width = ws.ws_col;
		if (ws.ws_row > 0)
			height = ws.ws_row;
	}
	localtime_r(&t, &tm);
	strftime(now, sizeof now, "%H:%M:%S", &tm);
	snprintf(head, sizeof head, "Every %.1fs: %s", interval_ms / 1000.0,
	    title);
	if (strlen(head) + strlen(now) + 1 < width)
		snprintf(head + strlen(head), sizeof head - strlen(head),
		    "%*s", (int)(width - strlen(head)), now);

	/* The frame, and what went to stderr meanwhile. */
	if (ftruncate(errfd, 0) == -1 || lseek(errfd, 0, SEEK_SET) == -1)
		return;
	if ((f = open_memstream(&body, &len)) == NULL)
		return;
	fprintf(f, "%s\n\n", head);
	rc = draw(f, width, arg);
	fflush(stderr);
	if (rc == -1) {
		/* Its first line says what failed; the rest follow it. */
		watch_errtext(errfd, err, sizeof err);
		nl = strchr(err, '\n');
		fprintf(f, "%.*s%s(retrying every %.1fs; q to quit)\n%s%s",
		    nl != NULL ? (int)(nl - err) : (int)strlen(err), err,
		    *err != '\0' ? " " : "", interval_ms / 1000.0,
		    nl != NULL ? nl + 1 : "", nl != NULL ? "\n" : "");
	}
	fclose(f);

	if ((o = open_memstream(&obuf, &olen)) == NULL) {
		free(body);
		return;
	}
	fputs("\033[H", o);
	watch_lines(o, body, width, height);
	fputs("\033[J", o);
	fclose(o);
	watch_write(obuf, olen);
	free(obuf);
	free(body);
}

int
watch_run(const char *title, int interval_ms, watch_draw_fn draw, void *arg)
{
	struct termios		 saved, raw;
	struct sigaction	 sa, old_int, old_term, old_hup, old_winch;
	struct sigaction	 old_pipe;
	sigset_t		 block, oldmask;
	struct pollfd		 pfd;
	struct timespec		 ts;
	FILE			*errf;
	int			 saved_err, redraw, n;
	int64_t			 deadline, left;
	char			 c;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "cq: -w needs a terminal\n");
		return CQ_EXIT_USAGE;
	}
	if (tcgetattr(STDIN_FILENO, &saved) == -1) {
		fprintf(stderr, "cq: tcgetattr: %s\n", strerror(errno));
		return CQ_EXIT_FAIL;
	}
	if ((errf = tmpfile()) == NULL || (saved_err = dup(STDERR_FILENO)) ==
	    -1) {
		fprintf(stderr, "cq: cannot capture errors: %s\n",
		    strerror(errno));
		if (errf != NULL)
			fclose(errf);
		return CQ_EXIT_FAIL;
	}

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watch_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGWINCH, &sa, &old_winch);
	sa.sa_handler = SIG_IGN;	/* a scheduler gone mid-request */
	sigaction(SIGPIPE, &sa, &old_pipe);
	watch_quit = watch_winch = 0;

	raw = saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	fflush(stderr);
	dup2(fileno(errf), STDERR_FILENO);
	watch_write("\033[?1049h\033[?25l\033[H\033[2J", 21);

	while (!watch_quit) {
		watch_frame(title, interval_ms, draw, arg, fileno(errf));
		deadline = clock_mono_ms() + interval_ms;
		redraw = 0;
		while (!watch_quit && !redraw) {
			if ((left = deadline - clock_mono_ms()) <= 0)
				break;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000;
			pfd.fd = STDIN_FILENO;
			pfd.events = POLLIN;
			pfd.revents = 0;
			n = ppoll(&pfd, 1, &ts, &oldmask);
			if (watch_winch) {
				watch_winch = 0;
				redraw = 1;
			}
			if (n <= 0)
				continue;
			if (read(STDIN_FILENO, &c, 1) != 1) {
				watch_quit = 1;	/* no more keyboard */
				break;
			}
			if (c == 'q' || c == 'Q')
				watch_quit = 1;
			else
				redraw = 1;
		}
	}

	watch_write("\033[m\033[?25h\033[?1049l", 17);
	tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	dup2(saved_err, STDERR_FILENO);
	close(saved_err);
	fclose(errf);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return CQ_EXIT_OK;
}
