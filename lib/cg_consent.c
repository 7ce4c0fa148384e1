/* cg_consent.c: the consent cookie, the opt-out signals and the decision. */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_general.h>
#include <apr_escape.h>
#include <apr_encode.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cg_consent.h"
#include "cg_cookie.h"

/* A consent stamped further in the future than this is a forgery or a
 * broken clock: either way nothing to trust. */
#define CG_CLOCK_SKEW apr_time_from_sec(300)

static int is_receipt_char(char c)
{
    return apr_isalnum(c) || c == '_' || c == '-';
}

/* Reads an unsigned decimal of 1..maxdigits digits up to `stop`. */
static const char *read_number(const char *s, char stop, int maxdigits,
                               apr_int64_t *out)
{
    apr_int64_t v = 0;
    int n = 0;

    while (apr_isdigit(*s)) {
        if (++n > maxdigits) {
            return NULL;
        }
        v = v * 10 + (*s++ - '0');
    }
    if (n == 0 || *s != stop) {
        return NULL;
    }
    *out = v;
    return s;
}

/* cg1.<cats>.<seconds>.<revision>.<receipt id>[.<signature>]; 0 when
 * malformed. `s` is a pool copy: the receipt id is cut off in place. */
static int parse_structured(apr_pool_t *p, char *copy, cg_consent_t *out,
                            apr_size_t *signed_len, const char **signature)
{
    const char *b, *s = copy;
    apr_int64_t secs, rev;

    s += strlen(CG_CONSENT_PREFIX);
    out->categories = apr_array_make(p, 4, sizeof(const char *));
    b = s;
    for (;;) {
        if (*s == '~' || *s == '.') {
            if (!cg_category_valid(b, s - b)) {
                if (!(*s == '.' && s == b && out->categories->nelts == 0)) {
                    return 0;
                }
            }
            else if (out->categories->nelts >= CG_CONSENT_MAX_CATEGORIES) {
                /* a site has a handful: hundreds are an attack on the
                 * per-request cost, and no consent */
                return 0;
            }
            else {
                APR_ARRAY_PUSH(out->categories, const char *) =
                    apr_pstrmemdup(p, b, s - b);
            }
            if (*s == '.') {
                break;
            }
            b = ++s;
        }
        else if (cg_category_char(*s)) {
            ++s;
        }
        else {
            return 0;
        }
    }
    if (!(s = read_number(s + 1, '.', 12, &secs))) {
        return 0;
    }
    if (!(s = read_number(s + 1, '.', 9, &rev))) {
        return 0;
    }
    b = ++s;
    while (is_receipt_char(*s)) {
        ++s;
    }
    if ((*s != '\0' && *s != '.') || s - b < 8 || s - b > 64) {
        return 0;
    }
    *signed_len = s - copy;
    *signature = NULL;
    if (*s == '.') {
        const char *sig = s + 1, *c = s + 1;

        while (is_receipt_char(*c)) {
            ++c;
        }
        if (*c != '\0' || c - sig < 16 || c - sig > 86) {
            return 0;
        }
        copy[*signed_len] = '\0';     /* the receipt id ends here */
        *signature = sig;
    }
    out->receipt_id = b;
    out->when = apr_time_from_sec(secs);
    out->revision = (int)rev;
    out->state = out->categories->nelts ? CG_CONSENT_GRANTED : CG_CONSENT_DENIED;
    return 1;
}

/* HMAC-SHA256 of the signed bytes and the site, its first 16 bytes in
 * base64url: CG_SIGNATURE_LEN characters. */
#define CG_SIGNATURE_BYTES 16

const char *cg_sign(apr_pool_t *p, const cg_consent_key_t *key,
                    const char *data, apr_size_t len, const char *site)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    const char *msg = apr_pstrcat(p, apr_pstrmemdup(p, data, len), "\n",
                                  site ? site : "", NULL);

    if (!HMAC(EVP_sha256(), key->bytes, (int)key->len,
              (const unsigned char *)msg, strlen(msg), mac, &mac_len)
        || mac_len < CG_SIGNATURE_BYTES) {
        return NULL;
    }
    return apr_pencode_base64_binary(p, mac, CG_SIGNATURE_BYTES,
                                     APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING,
                                     NULL);
}

int cg_signature_valid(apr_pool_t *p, const cg_consent_key_t *keys,
                       int nkeys, const char *site, const char *data,
                       apr_size_t len, const char *signature)
{
    int i;

    if (!signature) {
        return 0;
    }
    for (i = 0; i < nkeys; ++i) {
        const char *want = cg_sign(p, &keys[i], data, len, site);

        if (want && strlen(want) == strlen(signature)
            && CRYPTO_memcmp(want, signature, strlen(want)) == 0) {
            return 1;
        }
    }
    return 0;
}

static int word_is(const char *v, apr_size_t len, const char *const *words)
{
    for (; *words; ++words) {
        if (strlen(*words) == len && !strncasecmp(v, *words, len)) {
            return 1;
        }
    }
    return 0;
}

void cg_consent_parse(apr_pool_t *p, const char *value,
                      const cg_consent_rules_t *rules, cg_consent_t *out)
{
    static const char *const grant[] = { "1", "yes", "true", "granted", NULL };
    static const char *const deny[] = { "0", "no", "false", "denied", NULL };
    apr_size_t len;

    memset(out, 0, sizeof(*out));
    out->state = CG_CONSENT_NONE;
    if (!value) {
        return;
    }
    len = strlen(value);
    /* RFC 6265 allows a value in double quotes */
    if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
        ++value;
        len -= 2;
    }
    /* the plain forms carry no revision (they are of revision 0) and no
     * signature: a site may refuse them */
    if ((rules->policy_revision > 0 || rules->refuse_plain)
        && (word_is(value, len, grant) || word_is(value, len, deny))) {
        return;
    }
    if (word_is(value, len, grant)) {
        out->state = CG_CONSENT_GRANTED;
        out->all_categories = 1;
        return;
    }
    if (word_is(value, len, deny)) {
        out->state = CG_CONSENT_DENIED;
        return;
    }
    if (len > strlen(CG_CONSENT_PREFIX)
        && !strncmp(value, CG_CONSENT_PREFIX, strlen(CG_CONSENT_PREFIX))) {
        cg_consent_t parsed;
        apr_size_t signed_len;
        const char *signature;
        char *copy = apr_pstrmemdup(p, value, len);

        memset(&parsed, 0, sizeof(parsed));
        if (!parse_structured(p, copy, &parsed, &signed_len, &signature)) {
            return;
        }
        /* with keys, only a value signed by one of them for this site */
        if (rules->nkeys && !cg_signature_valid(p, rules->keys, rules->nkeys,
                                                rules->site, copy,
                                                signed_len, signature)) {
            return;
        }
        if (parsed.when > rules->now + CG_CLOCK_SKEW
            || (rules->max_age > 0
                && parsed.when + apr_time_from_sec(rules->max_age) < rules->now)
            || parsed.revision < rules->policy_revision) {
            return;
        }
        *out = parsed;
        return;
    }
    /* anything else is no consent */
}

/* True when every category of `a` is granted by `b`. */
static int categories_within(const cg_consent_t *a, const cg_consent_t *b)
{
    int i;

    for (i = 0; i < a->categories->nelts; ++i) {
        if (!cg_consent_allows(b, APR_ARRAY_IDX(a->categories, i, const char *))) {
            return 0;
        }
    }
    return 1;
}

/* Two consents agree when they would let the same cookies through. */
static int same_decision(const cg_consent_t *a, const cg_consent_t *b)
{
    if (a->state != b->state || a->all_categories != b->all_categories) {
        return 0;
    }
    if (a->state != CG_CONSENT_GRANTED || a->all_categories) {
        return 1;
    }
    return categories_within(a, b) && categories_within(b, a);
}

void cg_consent_from_crumbs(apr_pool_t *p, const apr_array_header_t *crumbs,
                            const char *cookie_name,
                            const cg_consent_rules_t *rules,
                            cg_consent_t *out, int *conflict)
{
    const cg_crumb_t *c = (const cg_crumb_t *)crumbs->elts;
    apr_size_t name_len = strlen(cookie_name);
    int i, seen = 0;

    memset(out, 0, sizeof(*out));
    out->state = CG_CONSENT_NONE;
    *conflict = 0;
    for (i = 0; i < crumbs->nelts; ++i) {
        cg_consent_t one;

        if (c[i].name_len != name_len
            || memcmp(c[i].name, cookie_name, name_len)) {
            continue;
        }
        cg_consent_parse(p, c[i].value, rules, &one);
        if (seen++ && !same_decision(out, &one)) {
            /* e.g. a host-only and a domain cookie that disagree */
            memset(out, 0, sizeof(*out));
            out->state = CG_CONSENT_NONE;
            *conflict = 1;
            return;
        }
        *out = one;
    }
}

int cg_consent_allows(const cg_consent_t *c, const char *category)
{
    int i;

    if (c->state != CG_CONSENT_GRANTED) {
        return 0;
    }
    if (c->all_categories) {
        return 1;
    }
    for (i = 0; i < c->categories->nelts; ++i) {
        const char *cat = APR_ARRAY_IDX(c->categories, i, const char *);

        /* another source's consent holds the policy's own strings */
        if (cat == category || !strcmp(cat, category)) {
            return 1;
        }
    }
    return 0;
}

const char *cg_consent_format_signed(apr_pool_t *p,
                                     const apr_array_header_t *categories,
                                     apr_time_t when, int revision,
                                     const char *receipt_id,
                                     const cg_consent_key_t *key,
                                     const char *site)
{
    const char *value = cg_consent_format(p, categories, when, revision,
                                          receipt_id);
    const char *sig;

    if (!key) {
        return value;
    }
    sig = cg_sign(p, key, value, strlen(value), site);
    return sig ? apr_pstrcat(p, value, ".", sig, NULL) : NULL;
}

const char *cg_consent_format(apr_pool_t *p, const apr_array_header_t *categories,
                              apr_time_t when, int revision,
                              const char *receipt_id)
{
    const char *cats = "";
    int i;

    for (i = 0; categories && i < categories->nelts; ++i) {
        cats = apr_pstrcat(p, cats, i ? "~" : "",
                           APR_ARRAY_IDX(categories, i, const char *), NULL);
    }
    return apr_psprintf(p, CG_CONSENT_PREFIX "%s.%" APR_INT64_T_FMT ".%d.%s",
                        cats, (apr_int64_t)apr_time_sec(when), revision,
                        receipt_id);
}

const char *cg_receipt_id(apr_pool_t *p)
{
    unsigned char bytes[16];

    if (apr_generate_random_bytes(bytes, sizeof(bytes)) != APR_SUCCESS) {
        return NULL;
    }
    return apr_pescape_hex(p, bytes, sizeof(bytes), 0);
}

/* Calls `test` on each comma-separated member, trimmed. */
static int any_member(const char *value, int (*test)(const char *, apr_size_t))
{
    while (value && *value) {
        const char *b = value, *e;
        apr_size_t len;

        while (*b == ' ' || *b == '\t') {
            ++b;
        }
        e = strchr(b, ',');
        value = e ? e + 1 : NULL;
        if (!e) {
            e = b + strlen(b);
        }
        len = e - b;
        while (len && (b[len - 1] == ' ' || b[len - 1] == '\t')) {
            --len;
        }
        if (test(b, len)) {
            return 1;
        }
    }
    return 0;
}

static int is_gpc_one(const char *s, apr_size_t len)
{
    return len == 1 && s[0] == '1';
}

static int is_dnt_one(const char *s, apr_size_t len)
{
    return len >= 1 && s[0] == '1';
}

int cg_signal_gpc(const char *value)
{
    return any_member(value, is_gpc_one);
}

int cg_signal_dnt(const char *value)
{
    return any_member(value, is_dnt_one);
}

cg_state_e cg_decide(const cg_consent_t *consent, int signals_present,
                     int signals_honoured, cg_precedence_e precedence,
                     int revoked)
{
    int signals = signals_present & signals_honoured;

    if (revoked == CG_REVOKE_WITHDRAW) {
        return CG_STATE_REVOKED;
    }
    if (revoked == CG_REVOKE_HOLD) {
        return CG_STATE_HELD;
    }
    if (signals && !(precedence == CG_PRECEDENCE_CONSENT
                     && consent->state == CG_CONSENT_GRANTED)) {
        return (signals & CG_SIGNAL_GPC) ? CG_STATE_GPC : CG_STATE_DNT;
    }
    switch (consent->state) {
    case CG_CONSENT_GRANTED:
        return CG_STATE_GRANTED;
    case CG_CONSENT_DENIED:
        return CG_STATE_DENIED;
    default:
        return CG_STATE_NONE;
    }
}

const char *cg_state_name(cg_state_e state)
{
    static const char *const names[] = {
        "none", "granted", "denied", "gpc", "dnt", "revoked", "held"
    };
    return (unsigned)state < sizeof(names) / sizeof(names[0])
        ? names[state] : "none";
}

