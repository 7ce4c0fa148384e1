/* cg_tcf.h: the IAB TCF v2 TC string (v2.2 and v2.3: core segment,
 * DisclosedVendors, publisher restrictions) decoded without httpd, and
 * the bit reader the GPP decoder shares. Fields are big-endian, bits
 * numbered from the left, each segment URL-safe base64 without padding. */
#ifndef CG_TCF_H
#define CG_TCF_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

#include "cg_source.h"

/* A segment's bits, read where they stand: six to a character. */
typedef struct cg_bits_t {
    const unsigned char *text;      /* nbits / 6 checked characters */
    apr_size_t nbits;
    apr_size_t pos;
    int overrun;        /* a read went past the end */
} cg_bits_t;

/* Checks `len` characters of base64url (the standard alphabet and
 * trailing '=' accepted too) and points `b` at them (no copy: they must
 * outlive `b`); 0 on a character outside them. */
int cg_bits_init(apr_pool_t *p, cg_bits_t *b, const char *s, apr_size_t len);
/* The next `n` (1..36) bits as an unsigned number; 0 and `overrun` set
 * past the end (0 and nothing else for n = 0). */
apr_uint64_t cg_bits_read(cg_bits_t *b, unsigned n);
/* Bit `i` of the segment (0 past the end). */
int cg_bits_at(const cg_bits_t *b, apr_size_t i);

/* A set of vendor ids: a bitfield (vendor v at bit `bit0 + v - 1`) or
 * ranges. */
typedef struct cg_tcf_range_t {
    unsigned start, end;
} cg_tcf_range_t;

typedef struct cg_tcf_vendors_t {
    int present;
    unsigned max_vendor_id;
    int is_range;
    cg_bits_t bits;             /* bitfield: the segment's bits */
    apr_size_t bit0;
    apr_array_header_t *ranges; /* range: cg_tcf_range_t */
} cg_tcf_vendors_t;

/* A publisher restriction: vendors start..end may use purpose `purpose`
 * only as `type` says (0 not allowed, 1 require consent, 2 require
 * legitimate interest). */
typedef struct cg_tcf_restriction_t {
    int purpose;
    int type;
    unsigned start, end;
} cg_tcf_restriction_t;

#define CG_TCF_MAX_RESTRICTIONS 4096

typedef struct cg_tcf_t {
    int version;
    apr_time_t created, last_updated;
    int cmp_id, cmp_version, consent_screen;
    char consent_language[3];
    int vendor_list_version, policy_version;
    int is_service_specific, use_non_standard_texts;
    apr_uint32_t special_features;      /* bit n-1: special feature n */
    apr_uint32_t purposes_consent;      /* bit n-1: purpose n */
    apr_uint32_t purposes_li;
    int purpose_one_treatment;
    char publisher_cc[3];
    cg_tcf_vendors_t vendor_consents;
    cg_tcf_vendors_t vendor_li;
    apr_array_header_t *restrictions;   /* cg_tcf_restriction_t; NULL when
                                         * NumPubRestrictions is 0 */
    cg_tcf_vendors_t disclosed;         /* present with the segment */
    int has_publisher_tc;
} cg_tcf_t;

/* Decodes the TC string `s` (`len` bytes, segments joined by '.'). NULL
 * when it decodes, else why not. Checks only the format (version 2, every
 * field inside the string, ranges ordered and within MaxVendorId, no
 * segment twice); cg_tcf_check() applies the policy. */
const char *cg_tcf_decode(apr_pool_t *p, const char *s, apr_size_t len,
                          cg_tcf_t *tc);

/* cg_tcf_decode() reading only what cg_tcf_apply() and cg_tcf_answer()
 * look at: the same checks and the same errors on every string (fuzz_tcf
 * compares the two), but CmpId, CmpVersion, ConsentScreen,
 * ConsentLanguage, VendorListVersion, IsServiceSpecific,
 * UseNonStandardTexts, PurposesLITransparency, PurposeOneTreatment and
 * PublisherCC stay 0 and the LI vendors are checked, not kept (vendor_li
 * not present). */
const char *cg_tcf_decode_lean(apr_pool_t *p, const char *s, apr_size_t len,
                               cg_tcf_t *tc);

/* The last TC string decoded on one connection. A visitor's TC string
 * stays the same for weeks while the rest of their Cookie header changes
 * from page to page (an analytics cookie's new timestamp): the
 * connection's next request that carries the same string shares the
 * decode instead of making a new one. Used by one thread at a time (a
 * connection's); what it holds lives in a subpool of `p`. */
typedef struct cg_tcf_cache_t cg_tcf_cache_t;
cg_tcf_cache_t *cg_tcf_cache_make(apr_pool_t *p);

/* cg_tcf_decode_lean() through `cache` (NULL: no cache): the same result
 * and the same error. *tc is the decode, which stays valid until `p` is
 * cleaned up (the cache's, shared: read only, pointing into the cache's
 * copy of the string; or made in `p` when there is no cache). */
const char *cg_tcf_decode_lean_cached(apr_pool_t *p, cg_tcf_cache_t *cache,
                                      const char *s, apr_size_t len,
                                      const cg_tcf_t **tc);

/* How many decodes `cache` gave from what it held. */
apr_uint64_t cg_tcf_cache_hits(const cg_tcf_cache_t *cache);

/* Whether vendor `v` is in the set. */
int cg_tcf_vendor_in(const cg_tcf_vendors_t *set, unsigned v);
/* Consent to purpose n (1..24) / special feature n (1..12). */
int cg_tcf_purpose(const cg_tcf_t *tc, int n);
int cg_tcf_special_feature(const cg_tcf_t *tc, int n);
/* Vendor v may process purpose n on consent: both consented and no
 * publisher restriction that forbids it or requires legitimate interest. */
int cg_tcf_vendor_purpose(const cg_tcf_t *tc, unsigned v, int n);

/* TCF 2.3: strings created from this time on must disclose their vendors
 * (2026-02-28 00:00 UTC). */
#define CG_TCF_23_FROM apr_time_from_sec(APR_INT64_C(1772236800))

/* The policy over a decoded string: TcfPolicyVersion >= 4 (TCF 2.2), not
 * from the future, LastUpdated within max_age (the spec's cookie life,
 * 13 * 30 days, when max_age is 0), Created <= LastUpdated, a
 * DisclosedVendors segment on strings created from CG_TCF_23_FROM on.
 * Fills `out`: explicit choice, when = LastUpdated, out->tcf = tc; its
 * lists stay empty: cg_source_granted() and cg_source_refused() answer
 * "purpose:N" / "special_feature:N" (purposes 1..11, special features
 * 1..2) and the vendor names from the string. */
void cg_tcf_apply(apr_pool_t *p, const cg_tcf_t *tc,
                  const cg_source_opts_t *opts, cg_source_result_t *out);

/* A name a TC string answers, parsed once: "purpose:N" (1..11) and
 * "special_feature:N" (1..2), "vendor:V" and "vendor:V:purpose:N". */
enum {
    CG_TCF_NAME_NONE = 0,
    CG_TCF_NAME_PURPOSE,
    CG_TCF_NAME_SPECIAL_FEATURE,
    CG_TCF_NAME_VENDOR,
    CG_TCF_NAME_VENDOR_PURPOSE
};

typedef struct cg_tcf_name_t {
    int kind;           /* CG_TCF_NAME_* */
    unsigned v;         /* vendor id */
    int n;              /* purpose or special feature; 0 none */
} cg_tcf_name_t;

/* Parses `name` into `out`; returns its kind (CG_TCF_NAME_NONE: not a
 * name the TC string answers). */
int cg_tcf_parse_name(const char *name, cg_tcf_name_t *out);

/* Whether the string grants (granted != 0) / refuses a parsed name, as
 * cg_source_granted() and cg_source_refused() answer it: a purpose or
 * special feature as its bit says, a vendor as described there; -1 for
 * CG_TCF_NAME_NONE. */
int cg_tcf_answer_name(const cg_tcf_t *tc, const cg_tcf_name_t *nm,
                       int granted);

/* cg_tcf_answer_name() on a name still to be parsed. */
int cg_tcf_answer(const cg_tcf_t *tc, const char *name, int granted);

#endif /* CG_TCF_H */
