/* cg_gpp.h: the IAB Global Privacy Platform string (__gpp), decoded
 * without httpd: the header with its Fibonacci-coded section ids, the EU
 * TCF v2 section (id 2, a TC string), US Privacy (id 6) and US National
 * (id 7, versions 1 and 2, with its GPC subsection). */
#ifndef CG_GPP_H
#define CG_GPP_H

#include <apr_pools.h>

#include "cg_tcf.h"

#define CG_GPP_MAX_SECTIONS 32
#define CG_GPP_SECTION_TCFEU 2
#define CG_GPP_SECTION_USP 6
#define CG_GPP_SECTION_USNAT 7

/* US National: 0 not applicable, 1 yes / opted out, 2 no / did not. */
typedef struct cg_gpp_usnat_t {
    int version;
    int sharing_notice, sale_opt_out_notice, sharing_opt_out_notice;
    int targeted_advertising_opt_out_notice;
    int sensitive_data_processing_opt_out_notice;
    int sensitive_data_limit_use_notice;
    int sale_opt_out, sharing_opt_out, targeted_advertising_opt_out;
    int sensitive_data_processing[16];      /* 12 in version 1 */
    int n_sensitive_data_processing;
    int known_child_sensitive_data_consents[3]; /* 2 in version 1 */
    int n_known_child_sensitive_data_consents;
    int personal_data_consents;
    int mspa_covered_transaction, mspa_opt_out_option_mode;
    int mspa_service_provider_mode;
    int gpc_present, gpc;
} cg_gpp_usnat_t;

typedef struct cg_gpp_t {
    int nsections;
    int ids[CG_GPP_MAX_SECTIONS];   /* ascending, as in the header */
    int has_tcf;
    cg_tcf_t tcf;
    int has_usnat;
    cg_gpp_usnat_t usnat;
    int has_usp;
    char usp[5];                    /* "1YNN" */
} cg_gpp_t;

/* Decodes the GPP string `s` (`len` bytes). NULL when it decodes, else
 * why not: header type 3 version 1, one section per id, every decoded
 * section well-formed. Sections of other ids are skipped. */
const char *cg_gpp_decode(apr_pool_t *p, const char *s, apr_size_t len,
                          cg_gpp_t *g);

/* Only the header (`len` bytes, no '~'): fills g->ids and g->nsections
 * (g zeroed by the caller). NULL or why it is malformed. */
const char *cg_gpp_decode_header(apr_pool_t *p, const char *s,
                                 apr_size_t len, cg_gpp_t *g);

/* Whether the string holds section `id`. */
int cg_gpp_has_section(const cg_gpp_t *g, int id);

#endif /* CG_GPP_H */
