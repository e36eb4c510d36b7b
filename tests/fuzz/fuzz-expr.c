/*
 * fuzz-expr.c: libFuzzer target for the expression language
 * (common/expr*.c): any bytes are parsed, and what parses is evaluated
 * against a small fixed ad and its attributes and clauses listed.  Built
 * and run by scripts/fuzz.sh (CI runs it with CQ_ASAN=1).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "expr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_attr(void *arg, int scope, const char *name)
{
	(*(size_t *)arg) += strlen(name) + (size_t)scope;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct json_object	*ad;
	char				*src, err[128], buf[128];
	struct expr			*e;
	struct expr_value		 v;
	size_t				 n = 0;
	int				 k;

	if (ad == NULL)
		ad = json_tokener_parse("{\"a\": 1, \"s\": \"Str\", \"r\": 2.5,"
		    " \"b\": true, \"n\": null, \"x\": [1]}");
	src = malloc(len + 1);
	memcpy(src, data, len);
	src[len] = '\0';
	if ((e = expr_parse(src, err, sizeof err)) != NULL) {
		expr_eval_json_at(e, ad, ad, 1700000000, &v);
		expr_value_str(&v, buf, sizeof buf);
		expr_value_clear(&v);
		expr_attrs(e, fuzz_attr, &n);
		for (k = 0; k < expr_clause_count(e); k++)
			expr_clause_str(e, k, buf, sizeof buf);
		expr_free(e);
	}
	free(src);
	return 0;
}
