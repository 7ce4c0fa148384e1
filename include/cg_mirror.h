/* cg_mirror.h: the choice banner.js mirrors from a banner that keeps it in
 * the browser's storage (Usercentrics, Osano) and posts to the consent
 * endpoint, so that the server sets the mirror cookie and writes a receipt
 * as one act: which source and cookie, and what kind of choice it is for
 * the receipt. What it grants is the source's ConsentSourceMap's to say
 * (lib/cg_policy.c). No httpd here. */
#ifndef CG_MIRROR_H
#define CG_MIRROR_H

#include <apr_pools.h>
#include <apr_tables.h>

#include <jansson.h>

#include "cg_consent.h"
#include "cg_source.h"

/* The cookie a mirror source is kept in ("consentgate_usercentrics",
 * "consentgate_osano"); NULL when `source` is no mirror source. */
const char *cg_mirror_cookie(const char *source);

/* The mirror in a consent body: JSON {"mirror": SOURCE, "value": V} or the
 * form mirror=SOURCE&value=V (content types as cg_choice_parse()). V is
 * the cookie's value as banner.js writes it: 1 to CG_SOURCE_MAX_VALUE
 * bytes of the characters encodeURIComponent() leaves as they are, so it
 * goes into a Set-Cookie line unchanged; whether it holds a choice is the
 * source reader's to say.
 * 0: not a mirror (no "mirror" field), nothing set; 1: *source and *value
 * set; -1: a malformed mirror (an unknown source, a bad value, a
 * "categories" field besides, a malformed body), *err says why. */
int cg_mirror_parse(apr_pool_t *p, const char *content_type,
                    const char *body, apr_size_t len, const char **source,
                    const char **value, const char **err);

/* The receipt's action for a mirrored choice that grants the module's
 * categories `after` (const char *; NULL is none), where the mirror the
 * visitor held granted `before`: "grant" when `after` grants any,
 * "revoke" when it grants none and `before` did, else "refuse".
 * *widens (when given) is 1 when `after` grants a category `before` did
 * not: only such a choice waits for the receipt limits; a refusal, a
 * withdrawal or a narrower choice always takes effect. */
const char *cg_mirror_action(const apr_array_header_t *before,
                             const apr_array_header_t *after, int *widens);

/* The mirror cookie the consent endpoint sets: "<value>[|<receipt>]
 * [|<signature>]". The receipt, "<id>.<unix time>", names the receipt
 * written with it, so that the visitor's receipt page finds it as it finds
 * the module's own cookie's; it is absent when none was written. With
 * ConsentSecret the signature, cg_sign()'s over "<source>\n<value>" (and
 * "\n<receipt>" when there is one) and the site, follows. '|' is a
 * cookie-octet that encodeURIComponent() never leaves raw, so banner.js's
 * value never holds one; a receipt has a '.', a signature none. */
#define CG_MIRROR_SIGNATURE_SEP '|'

/* The mirror cookie's value for banner.js's `value` of `source`, naming
 * `receipt` (NULL: none), signed with `key` for `site` (NULL: unsigned).
 * NULL when libcrypto fails. */
const char *cg_mirror_sign(apr_pool_t *p, const char *source,
                           const char *value, const char *receipt,
                           const cg_consent_key_t *key, const char *site);

/* The receipt field for receipt `id` written at `when`. */
const char *cg_mirror_receipt_field(apr_pool_t *p, const char *id,
                                    apr_time_t when);

/* A mirror cookie's raw value, split where it stands: the value is its
 * first value_len bytes; receipt and signature point into it (NULL: none).
 * A value with a '|' in no form above is all value. */
typedef struct cg_mirror_parts_t {
    apr_size_t value_len;
    const char *receipt;
    apr_size_t receipt_len;
    const char *signature;
} cg_mirror_parts_t;

void cg_mirror_split(const char *raw, cg_mirror_parts_t *out);

/* Whether `raw`, split into `parts`, is signed for `source` with one of
 * the keys in `opts` for its site (its receipt included). */
int cg_mirror_signed(apr_pool_t *p, const char *source, const char *raw,
                     const cg_mirror_parts_t *parts,
                     const cg_source_opts_t *opts);

/* The receipt a mirror cookie among `crumbs` (cg_crumb_t) names, as the
 * receipt page may show it: a mirror cookie the gate would read (one
 * value), with a receipt, signed when `opts` holds keys; the newest when
 * several do. 1 with *id and *when (the receipt's time, to the second)
 * set, else 0. */
int cg_mirror_receipt_held(apr_pool_t *p, const apr_array_header_t *crumbs,
                           const cg_source_opts_t *opts, const char **id,
                           apr_time_t *when);

/* The ids banner.js mirrors, as the JSON object its config carries
 * ({"usercentrics": ["svc-a", ...], "osano": ["MARKETING"]}, a new
 * reference): every id a ConsentSourceMap line of a mirror source names
 * in `maps` (cg_source_map_t; may be NULL), each once, in order; a source
 * no line names is left out, and banner.js mirrors all of its ids. NULL
 * when no line names one. */
json_t *cg_mirror_ids(apr_pool_t *p, const apr_array_header_t *maps);

#endif /* CG_MIRROR_H */
