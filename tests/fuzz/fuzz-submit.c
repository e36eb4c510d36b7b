/*
 * fuzz-submit.c: libFuzzer target of the submit-language parser
 * (common/submit*.c).  Each input is a submit file parsed by
 * submit_parse_buf() from a fixed working directory (a fresh one under
 * /tmp holding a small items file and two files to glob) with an empty
 * environment; whatever it queues is encoded as the wire would carry it
 * and freed; then the same input is read as a late materialization's
 * statements (submit_factory_new) and three jobs built from it.  Built
 * with -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which caps a submit at 1,000 jobs and keeps `queue ... from FILE` and
 * `matching` inside that directory.  Built and run by scripts/fuzz.sh;
 * any crash, leak, sanitizer report or timeout is a bug.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "jobdesc.h"
#include "submit.h"

static char	 fuzz_dir[] = "/tmp/cq-fuzz-submit.XXXXXX";
static int	 fuzz_ready;

static void
fuzz_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
fuzz_cleanup(void)
{
	const char	*names[] = { "items.txt", "x.dat", "y.dat" };
	char		 path[256];
	size_t		 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir, names[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

static void
fuzz_setup(void)
{
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	fuzz_file("items.txt", "a, 1\nb 2\n# c\n\nd,3,4\n");
	fuzz_file("x.dat", "");
	fuzz_file("y.dat", "");
	atexit(fuzz_cleanup);
	fuzz_ready = 1;	/* no chdir: libFuzzer's paths are relative */
}

/*
 * The same input as a late materialization's statements, as the
 * scheduler reads a client's digest (submit_factory_new): three jobs of
 * `queue 2 item, n from (...)` built from it, or a refusal that says why.
 */
static void
fuzz_factory(const uint8_t *data, size_t len)
{
	static char		*envp[] = { NULL };
	static char		*vars[] = { "item", "n", NULL };
	static const char	*items[] = { "a 1", "b,2", "" };
	struct submit_factory	*f = NULL;
	struct jobdesc		 jd;
	struct json_object	*o;
	uint32_t		 p;
	char			 err[512];

	err[0] = '\0';
	if (submit_factory_new("fuzz.sub", (const char *)data, len, fuzz_dir,
	    envp, vars, 2, 1, &f, err, sizeof(err)) == -1) {
		if (f != NULL || err[0] == '\0')
			abort();
		return;
	}
	for (p = 0; p < 3; p++) {
		err[0] = '\0';
		if (submit_factory_job(f, p, items[p], p, p % 2, &jd, err,
		    sizeof(err)) == 0) {
			o = jobdesc_to_wire(&jd);
			json_object_put(o);
			jobdesc_free(&jd);
		} else if (err[0] == '\0')
			abort();
	}
	submit_factory_free(f);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char		*envp[] = { NULL };
	struct jobdesc		*jobs = NULL;
	struct json_object	*o;
	size_t			 njobs = 0, i;
	char			 err[512];

	if (!fuzz_ready)
		fuzz_setup();
	if (submit_parse_buf("fuzz.sub", (const char *)data, len, fuzz_dir,
	    envp, &jobs, &njobs, err, sizeof(err)) == 0) {
		for (i = 0; i < njobs; i++) {
			o = jobdesc_to_wire(&jobs[i]);
			json_object_put(o);
		}
		jobdesc_free_all(jobs, njobs);
	} else if (jobs != NULL || njobs != 0 || err[0] == '\0')
		abort();	/* an error returns nothing and says why */
	fuzz_factory(data, len);
	return 0;
}
