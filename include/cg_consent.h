/* cg_consent.h: the consent cookie's value, the opt-out signals (GPC,
 * DNT) and the decision they lead to. No httpd here. */
#ifndef CG_CONSENT_H
#define CG_CONSENT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_classify.h"

typedef enum {
    CG_CONSENT_NONE = 0,    /* no choice, or nothing we can trust */
    CG_CONSENT_GRANTED,
    CG_CONSENT_DENIED
} cg_consent_e;

/* Version tag of the module's own structured consent value:
 *   cg1.<categories joined by '~', empty for a refusal>.<unix seconds>.<revision>.<receipt id>
 * Only characters that need no escaping in a cookie or in
 * encodeURIComponent, so the banner's JavaScript can read it as is. */
#define CG_CONSENT_PREFIX "cg1."

/* At most this many categories in one consent value; more is no consent. */
#define CG_CONSENT_MAX_CATEGORIES 32

typedef struct cg_consent_t {
    cg_consent_e state;
    int all_categories;                /* a plain "1"/"yes"/... grants all */
    apr_array_header_t *categories;    /* const char *, when granted */
    apr_time_t when;                   /* 0 for the plain forms */
    int revision;                      /* 0 for the plain forms */
    const char *receipt_id;            /* NULL for the plain forms */
} cg_consent_t;

/* A key that signs the structured value (ConsentSecret). */
typedef struct cg_consent_key_t {
    const unsigned char *bytes;
    apr_size_t len;
} cg_consent_key_t;

/* What validity needs beyond the value itself. */
typedef struct cg_consent_rules_t {
    apr_int64_t max_age;        /* seconds; a consent older than this is none */
    int policy_revision;        /* a consent under an older revision is none */
    apr_time_t now;
    /* With keys, a structured value counts only when it carries a
     * signature by one of them over its fields and `site`
     * (cg1.<...>.<receipt id>.<signature>). */
    const cg_consent_key_t *keys;
    int nkeys;
    const char *site;
    int refuse_plain;           /* the plain forms ("1", "no", ...) are none */
} cg_consent_rules_t;

/* Parses one consent cookie value. Anything not exactly one of the
 * documented forms, too old, from the future or of an older policy
 * revision gives CG_CONSENT_NONE (fail closed). The plain forms
 * ("1", "no", ...) are of revision 0: under a policy revision above 0
 * they are no consent. */
void cg_consent_parse(apr_pool_t *p, const char *value,
                      const cg_consent_rules_t *rules, cg_consent_t *out);

/* Reads the consent from the crumbs of a Cookie header: every crumb named
 * `cookie_name` is parsed, and when two of them disagree the result is
 * CG_CONSENT_NONE. Sets *conflict when that happened. */
void cg_consent_from_crumbs(apr_pool_t *p, const apr_array_header_t *crumbs,
                            const char *cookie_name,
                            const cg_consent_rules_t *rules,
                            cg_consent_t *out, int *conflict);

/* True when the consent grants `category`. */
int cg_consent_allows(const cg_consent_t *c, const char *category);

/* The structured value signed with `key` for `site` (unsigned when `key`
 * is NULL); NULL when libcrypto fails. */
const char *cg_consent_format_signed(apr_pool_t *p,
                                     const apr_array_header_t *categories,
                                     apr_time_t when, int revision,
                                     const char *receipt_id,
                                     const cg_consent_key_t *key,
                                     const char *site);

/* The signature ConsentSecret's keys put on what the module writes (the
 * structured value, banner.js's mirrors): HMAC-SHA256 with `key` over
 * `len` bytes of `data`, a newline and `site` (the ServerName), its first
 * 16 bytes in base64url, CG_SIGNATURE_LEN characters. The signed data
 * must say what it is, so that one kind's signature never fits another.
 * NULL when libcrypto fails. */
#define CG_SIGNATURE_LEN 22
const char *cg_sign(apr_pool_t *p, const cg_consent_key_t *key,
                    const char *data, apr_size_t len, const char *site);

/* Whether `signature` is cg_sign()'s for `data` and `site` with one of the
 * `nkeys` keys (compared in constant time); 0 for a NULL signature. */
int cg_signature_valid(apr_pool_t *p, const cg_consent_key_t *keys,
                       int nkeys, const char *site, const char *data,
                       apr_size_t len, const char *signature);

/* Formats the structured value (see CG_CONSENT_PREFIX). */
const char *cg_consent_format(apr_pool_t *p, const apr_array_header_t *categories,
                              apr_time_t when, int revision,
                              const char *receipt_id);

/* A fresh receipt id: 128 random bits as CG_RECEIPT_ID_LEN lower-case hex
 * digits, from APR's random source. NULL when no randomness could be had. */
#define CG_RECEIPT_ID_LEN 32
const char *cg_receipt_id(apr_pool_t *p);

/* Opt-out signals. */
#define CG_SIGNAL_GPC 0x1
#define CG_SIGNAL_DNT 0x2

/* Sec-GPC: the value, after optional whitespace, is exactly "1". httpd
 * merges repeated fields with ", ": any member that is "1" counts. */
int cg_signal_gpc(const char *value);
/* DNT: a member that starts with "1" (the DNT field grammar). */
int cg_signal_dnt(const char *value);

typedef enum {
    CG_PRECEDENCE_SIGNAL = 0,   /* an opt-out signal beats a consent */
    CG_PRECEDENCE_CONSENT       /* an explicit grant beats a signal */
} cg_precedence_e;

typedef enum {
    CG_STATE_NONE = 0,
    CG_STATE_GRANTED,
    CG_STATE_DENIED,
    CG_STATE_GPC,
    CG_STATE_DNT,
    CG_STATE_REVOKED,       /* a withdrawal: expire and record a refusal */
    CG_STATE_HELD           /* on the way to one: no tracking, nothing else */
} cg_state_e;

/* What a request's path means for the consent. */
typedef enum {
    CG_REVOKE_NONE = 0,
    CG_REVOKE_WITHDRAW,
    CG_REVOKE_HOLD
} cg_revoke_e;

/* The decision for one request. `signals_present` is a CG_SIGNAL_* mask
 * of what the client sent, `signals_honoured` of what the config honours;
 * `revoked` is a cg_revoke_e. */
cg_state_e cg_decide(const cg_consent_t *consent, int signals_present,
                     int signals_honoured, cg_precedence_e precedence,
                     int revoked);

/* "granted", "denied", "none", "gpc", "dnt", "revoked", "held". */
const char *cg_state_name(cg_state_e state);

/* True when a cookie of class `cls` may be set (Set-Cookie) or passed on
 * (Cookie) under `state`. `unknown_allowed` is ConsentUnknownCookies. */
static APR_INLINE int cg_class_passes(const cg_class_t *cls,
                                      cg_state_e state,
                                      const cg_consent_t *consent,
                                      int unknown_allowed)
{
    /* inline: the gate asks it for every name of every request */
    switch (cls->kind) {
    case CG_CLASS_NECESSARY:
        return 1;
    case CG_CLASS_DROP:
        return 0;
    case CG_CLASS_CATEGORY:
        return state == CG_STATE_GRANTED
            && cg_consent_allows(consent, cls->category);
    default:
        return unknown_allowed;
    }
}

#endif /* CG_CONSENT_H */
