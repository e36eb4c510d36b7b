/*
 * test_tls.c: unit tests of common/tls.c: the fingerprint text (parse and
 * format round-trip, the accepted spellings, bad inputs refused), and the
 * scheduler's key and certificate: made once with the right modes, loaded
 * again with the same fingerprint, and a key readable by others refused.
 * Files live in a private temporary directory removed after each test.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "tls.h"

#define FP_HEX	"00112233445566778899aabbccddeeff" \
		"0123456789abcdeffedcba9876543210"

static char	dir[64], tlsdir[128];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/cq-test-tls.XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(tlsdir, sizeof tlsdir, "%s/tls", dir);
}

static void
teardown(void)
{
	char	p[256];

	snprintf(p, sizeof p, "%s/key.pem", tlsdir);
	unlink(p);
	snprintf(p, sizeof p, "%s/cert.pem", tlsdir);
	unlink(p);
	rmdir(tlsdir);
	rmdir(dir);
}

Test(tls, fp_round_trip)
{
	uint8_t		fp[TLS_FP_LEN], again[TLS_FP_LEN];
	char		hex[TLS_FP_HEXLEN + 1];
	const char	*errstr = NULL;

	cr_assert_eq(tls_fp_parse(FP_HEX, fp, &errstr), 0, "%s", errstr);
	cr_assert_eq(fp[0], 0x00);
	cr_assert_eq(fp[1], 0x11);
	cr_assert_eq(fp[31], 0x10);
	tls_fp_format(fp, hex);
	cr_assert_str_eq(hex, FP_HEX);
	cr_assert_eq(tls_fp_parse(hex, again, &errstr), 0);
	cr_assert(tls_fp_equal(fp, again));
	again[17] ^= 1;
	cr_assert_not(tls_fp_equal(fp, again));
}

Test(tls, fp_spellings)
{
	uint8_t		want[TLS_FP_LEN], fp[TLS_FP_LEN];
	char		colons[3 * TLS_FP_LEN], upper[TLS_FP_HEXLEN + 8];
	const char	*errstr = NULL;
	size_t		i;

	cr_assert_eq(tls_fp_parse(FP_HEX, want, &errstr), 0);
	/* Upper case, with the prefix OpenSSH and others print. */
	snprintf(upper, sizeof upper, "SHA256:%s", FP_HEX);
	for (i = 7; upper[i] != '\0'; i++)
		if (upper[i] >= 'a' && upper[i] <= 'f')
			upper[i] -= 'a' - 'A';
	cr_assert_eq(tls_fp_parse(upper, fp, &errstr), 0, "%s", errstr);
	cr_assert(tls_fp_equal(fp, want));
	cr_assert_eq(tls_fp_parse(upper + 7, fp, &errstr), 0);
	cr_assert(tls_fp_equal(fp, want));
	upper[0] = 's';
	cr_assert_eq(tls_fp_parse(upper, fp, &errstr), 0);
	/* openssl x509 -fingerprint style: AA:BB:... */
	for (i = 0; i < TLS_FP_LEN; i++) {
		colons[3 * i] = FP_HEX[2 * i];
		colons[3 * i + 1] = FP_HEX[2 * i + 1];
		colons[3 * i + 2] = i + 1 < TLS_FP_LEN ? ':' : '\0';
	}
	cr_assert_eq(tls_fp_parse(colons, fp, &errstr), 0, "%s", errstr);
	cr_assert(tls_fp_equal(fp, want));
}

Test(tls, fp_bad)
{
	static const char *bad[] = {
		"",
		"SHA256:",
		"0011",						/* short */
		FP_HEX "00",					/* long */
		"0" FP_HEX,					/* odd */
		"g0112233445566778899aabbccddeeff"
		    "0123456789abcdeffedcba9876543210",		/* not hex */
		" " FP_HEX,					/* space */
		FP_HEX " ",
		":" FP_HEX,					/* leading : */
		"00::112233445566778899aabbccddeeff"
		    "0123456789abcdeffedcba9876543210",		/* double : */
		"MD5:" FP_HEX,
		NULL
	};
	uint8_t		 fp[TLS_FP_LEN];
	const char	*errstr;
	int		 i;

	for (i = 0; bad[i] != NULL; i++) {
		errstr = NULL;
		cr_assert_eq(tls_fp_parse(bad[i], fp, &errstr), -1,
		    "accepted '%s'", bad[i]);
		cr_assert_not_null(errstr);
	}
}

Test(tls, cert_made_once, .init = setup, .fini = teardown)
{
	struct tls	*t;
	struct stat	 sb;
	uint8_t		 fp[TLS_FP_LEN];
	char		 err[512], p[256];

	t = tls_server_new(tlsdir, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	memcpy(fp, tls_fp(t), TLS_FP_LEN);
	tls_free(t);

	cr_assert_eq(stat(tlsdir, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0700);
	snprintf(p, sizeof p, "%s/key.pem", tlsdir);
	cr_assert_eq(stat(p, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof p, "%s/cert.pem", tlsdir);
	cr_assert_eq(stat(p, &sb), 0);
	snprintf(p, sizeof p, "%s/cert.pem.tmp", tlsdir);
	cr_assert_eq(access(p, F_OK), -1, "a temporary file was left");

	/* A second start loads the same pair. */
	t = tls_server_new(tlsdir, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	cr_assert(tls_fp_equal(fp, tls_fp(t)), "the fingerprint changed");
	tls_free(t);

	/* A key others may read is refused, and nothing is replaced. */
	snprintf(p, sizeof p, "%s/key.pem", tlsdir);
	cr_assert_eq(chmod(p, 0644), 0);
	cr_assert_null(tls_server_new(tlsdir, err, sizeof err));
	cr_assert(strstr(err, "mode 0600") != NULL, "%s", err);
	cr_assert_eq(chmod(p, 0600), 0);
	t = tls_server_new(tlsdir, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	cr_assert(tls_fp_equal(fp, tls_fp(t)));
	tls_free(t);
}

Test(tls, cert_removed_makes_new, .init = setup, .fini = teardown)
{
	struct tls	*t;
	uint8_t		 fp[TLS_FP_LEN];
	char		 err[512], p[256];

	t = tls_server_new(tlsdir, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	memcpy(fp, tls_fp(t), TLS_FP_LEN);
	tls_free(t);
	/* Rotation: the pair moved away, a new one with a new fingerprint. */
	snprintf(p, sizeof p, "%s/cert.pem", tlsdir);
	cr_assert_eq(unlink(p), 0);
	snprintf(p, sizeof p, "%s/key.pem", tlsdir);
	cr_assert_eq(unlink(p), 0);
	t = tls_server_new(tlsdir, err, sizeof err);
	cr_assert_not_null(t, "%s", err);
	cr_assert_not(tls_fp_equal(fp, tls_fp(t)));
	tls_free(t);
}

Test(tls, cert_garbage_refused, .init = setup, .fini = teardown)
{
	FILE	*f;
	char	 err[512], p[256];

	cr_assert_eq(mkdir(tlsdir, 0700), 0);
	snprintf(p, sizeof p, "%s/cert.pem", tlsdir);
	cr_assert_not_null(f = fopen(p, "w"));
	fputs("not a certificate\n", f);
	fclose(f);
	cr_assert_null(tls_server_new(tlsdir, err, sizeof err));
	cr_assert(strstr(err, "not a PEM certificate") != NULL, "%s", err);
}
