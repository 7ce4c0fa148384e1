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

/* With ConsentSecret the consent endpoint signs the mirror cookie it sets,
 * as the module's own: "<value>|<signature>", the signature cg_sign()'s
 * over "<source>\n<value>" and the site. '|' is a cookie-octet that
 * encodeURIComponent() never leaves raw, so banner.js's value never holds
 * one, and a JSON value ends in '}' or "%7D": only a value that ends in
 * '|' and CG_SIGNATURE_LEN base64url characters carries a signature. */
#define CG_MIRROR_SIGNATURE_SEP '|'

/* The mirror cookie's value for banner.js's `value` of `source`: signed
 * with `key` for `site`, or `value` itself when `key` is NULL. NULL when
 * libcrypto fails. */
const char *cg_mirror_sign(apr_pool_t *p, const char *source,
                           const char *value, const cg_consent_key_t *key,
                           const char *site);

/* A mirror cookie's raw value: its value's length (*len) and the
 * signature it ends in (*signature, NULL when it ends in none; else the
 * tail of `raw`). */
void cg_mirror_split(const char *raw, apr_size_t *len,
                     const char **signature);

/* Whether `len` bytes of `value` are signed by `signature` for `source`
 * with one of the keys in `opts` for its site. */
int cg_mirror_signed(apr_pool_t *p, const char *source, const char *value,
                     apr_size_t len, const char *signature,
                     const cg_source_opts_t *opts);

#endif /* CG_MIRROR_H */
