/* mod_cg.h: the httpd layer of mod_consentgate (configuration and the
 * gate), shared by mod_consentgate.c and src/mod_cg_*.c. */
#ifndef MOD_CG_H
#define MOD_CG_H

#include <httpd.h>
#include <http_config.h>
#include <util_filter.h>
#include <apr_hash.h>

#include "cg_classify.h"
#include "cg_consent.h"
#include "cg_policy.h"

extern module AP_MODULE_DECLARE_DATA consentgate_module;

/* Log tag: the AH numbers belong to modules shipped with httpd. */
#define CGLOGNO(n) "CG" #n ": "

#define MOD_CG_FILTER "CONSENTGATE"
#define MOD_CG_INJECT_FILTER "CONSENTGATE_BANNER"
#define MOD_CG_NO_COOKIE_FILTER "CONSENTGATE_NO_COOKIE"

/* Defaults: these and the tables in mod_cg_config.c are the only place
 * they are applied. Every field of both configs starts "unset" (-1 or
 * NULL) and is merged "child if set, else parent"; consumers ask the
 * getters below or the built policy. */
#define MOD_CG_DEFAULT_COOKIE   "mautic_consent"
#define MOD_CG_DEFAULT_MAX_AGE  15552000    /* six months */
#define MOD_CG_DEFAULT_SIGNALS  (CG_SIGNAL_GPC | CG_SIGNAL_DNT)
#define MOD_CG_DEFAULT_ENDPOINT "/consentgate"
#define MOD_CG_HANDLER          "consentgate"
#define MOD_CG_DEFAULT_PIXEL_LIMIT 60        /* counted views per masked
                                               address and minute */
#define MOD_CG_DEFAULT_CACHE_TIMEOUT_MS 500 /* a pixel's wait for a network
                                               unique-visitor cache */

/* ConsentClearSiteData */
#define MOD_CG_CSD_OFF      0
#define MOD_CG_CSD_STORAGE  1
#define MOD_CG_CSD_COOKIES  2

typedef struct mod_cg_server_conf {
    const char *cookie_name;
    const char *cookie_domain;
    apr_int64_t max_age;
    int policy_revision;
    apr_array_header_t *revoke_paths;   /* cg_regex_t * */
    int revoke_none;                    /* "ConsentRevokePath none" */
    const char *endpoint;               /* ConsentEndpoint */
    const char *receipts_path;          /* ConsentReceipts file:PATH */
    int receipts_dbd;                   /* ConsentReceipts dbd */
    apr_file_t *receipts;               /* opened by the parent, in post_config */
    int clear_site_data;                /* MOD_CG_CSD_* */
    const char *gpc_last_update;        /* YYYY-MM-DD */
    apr_array_header_t *secret_keys;    /* cg_consent_key_t: ConsentSecret */
    int refuse_plain;                   /* ConsentPlainValues refuse */
    const char *site;                   /* ServerName, set in post_config */
    const struct cg_banner_t *banner;   /* ConsentBanner FILE, else NULL */
    /* made in post_config, per server: */
    const struct cg_banner_t *banner_effective; /* what banner.js shows */
    apr_hash_t *banner_bodies;          /* language -> rendered banner.js */
    const struct cg_inject_t *inject_scanner;
    const char *inject_tag;             /* the <script> inserted */
    struct mod_cg_status_conf *status;  /* the status page's (mod_cg_pixel.c) */
    /* receipts (mod_cg_receipts.c); -1: unset */
    apr_int64_t receipt_retention;      /* ConsentReceiptRetention, seconds */
    int receipt_rate;                   /* ConsentReceiptRate, per minute */
    apr_int64_t receipt_max_size;       /* ConsentReceiptMaxSize, bytes */
    int consent_same_site;              /* ConsentAllowSameSite On */
    const char *notice_dir;             /* ConsentNoticeArchive DIR */
    /* every ConsentSourceMap line (a preset's too) of a mirror source in
     * this server's sections, cg_source_map_t: the ids banner.js mirrors */
    apr_array_header_t *mirror_maps;
    /* made in post_config: the notices banner.js shows, SHA-256 hex ->
     * mod_cg_notice (mod_cg_banner.c) */
    apr_hash_t *notices;
} mod_cg_server_conf;

/* A notice: the banner text of one language, as banner.js receives it. */
typedef struct mod_cg_notice {
    const char *hash;                   /* SHA-256 hex of text */
    const char *lang;
    const char *text;
} mod_cg_notice;

/* The policies made from one dir config, one per server config. */
typedef struct mod_cg_policy_entry {
    const struct mod_cg_server_conf *server;
    const cg_policy_t *policy;
    struct mod_cg_policy_entry *next;
} mod_cg_policy_entry;

typedef struct mod_cg_dir_conf {
    int enabled;
    apr_array_header_t *rules;          /* cg_rule_t: ConsentCookieClass */
    apr_array_header_t *preset_rules;   /* cg_rule_t: ConsentPreset */
    apr_array_header_t *preset_revoke;  /* cg_regex_t *: the presets' paths */
    apr_array_header_t *preset_hold;    /* cg_regex_t *: the presets' holds */
    int revoke_on_post;                 /* ConsentRevokeMethod post */
    apr_array_header_t *scrub_params;   /* const char *: ConsentScrubParam
                                           and the presets' */
    apr_int64_t scrub_body_limit;       /* ConsentScrubBodyLimit */
    int upstream_keep;                  /* ConsentUpstreamState keep */
    int blocked_tracking;               /* ConsentMauticBlockedTracking */
    apr_array_header_t *sources;        /* const cg_source_t *, NULL: own */
    apr_array_header_t *source_maps;    /* cg_source_map_t: ConsentSourceMap */
    apr_array_header_t *preset_source_maps; /* cg_source_map_t: presets' */
    int unknown_allowed;
    int signals;                        /* CG_SIGNAL_* mask */
    int precedence;
    int scrub;
    int forward_gpc;
    apr_array_header_t *forward_gpc_skip;   /* cg_regex_t *: ConsentForwardGPCSkip */
    int banner_inject;                  /* ConsentBannerInject */
    apr_array_header_t *csp_rules;      /* cg_csp_rule_t: ConsentCSPWithout */
    int gcm;                            /* ConsentGoogleConsentMode */
    apr_array_header_t *gcm_map;        /* cg_gcm_map_t: ConsentModeMap */
    const struct cg_mask_t *mask;       /* ConsentMaskAddress; NULL: off */
    /* not directives: */
    int transient;                      /* a merge made for one request */
    mod_cg_policy_entry *policies;      /* built on first use, kept */
} mod_cg_dir_conf;

/* mod_cg_config.c */
void *mod_cg_create_server_conf(apr_pool_t *p, server_rec *s);
void *mod_cg_merge_server_conf(apr_pool_t *p, void *basev, void *addv);
void *mod_cg_create_dir_conf(apr_pool_t *p, char *dir);
void *mod_cg_merge_dir_conf(apr_pool_t *p, void *basev, void *addv);
extern const command_rec mod_cg_cmds[];

/* Effective values (defaults applied). */
int mod_cg_gate_on(const mod_cg_dir_conf *dc);          /* ConsentGate */
int mod_cg_scrub_on(const mod_cg_dir_conf *dc);         /* ConsentScrubRequest */
int mod_cg_forward_gpc(const mod_cg_dir_conf *dc);      /* ConsentForwardGPC */
int mod_cg_inject_on(const mod_cg_dir_conf *dc);        /* gate and inject on */
int mod_cg_upstream_keep(const mod_cg_dir_conf *dc);    /* ConsentUpstreamState */
int mod_cg_blocked_tracking(const mod_cg_dir_conf *dc); /* ConsentMauticBlockedTracking */
/* CG_SIGNAL_* the scope honours (ConsentSignals, else both) */
int mod_cg_signals_honoured(const mod_cg_dir_conf *dc);
cg_precedence_e mod_cg_precedence(const mod_cg_dir_conf *dc);
const char *mod_cg_cookie_name(const mod_cg_server_conf *sc);
apr_int64_t mod_cg_max_age(const mod_cg_server_conf *sc);
int mod_cg_policy_revision(const mod_cg_server_conf *sc);
int mod_cg_clear_site_data(const mod_cg_server_conf *sc); /* MOD_CG_CSD_* */
const char *mod_cg_endpoint(const mod_cg_server_conf *sc);
/* The categories a visitor can consent to in a scope: those its classes
 * (ConsentCookieClass, then ConsentPreset) name, each once. */
apr_array_header_t *mod_cg_categories(apr_pool_t *p,
                                      const mod_cg_dir_conf *dc);

/* The request's policy: built once per configuration, then shared. */
const cg_policy_t *mod_cg_policy(request_rec *r);
const cg_policy_t *mod_cg_policy_of(apr_pool_t *p, const mod_cg_dir_conf *dc,
                                    const mod_cg_server_conf *sc);
/* True when the request's policy outlives the request (it is not built
 * from a configuration merged for this request only). */
int mod_cg_policy_lasting(request_rec *r);

int mod_cg_config_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp);
int mod_cg_config_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);

/* mod_cg_receipts.c: ConsentReceipts (file:PATH or dbd) */
const char *mod_cg_set_receipts(cmd_parms *cmd, void *dconf, const char *arg);
/* opens every receipt file, in the parent */
int mod_cg_receipts_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s);
/* Writes the receipt of a choice where ConsentReceipts says; 0 when it was
 * written or there is nowhere to write, -1 (logged) when it failed.
 * `method` is a cg_receipt_t method; `notice` the hash the visitor posted
 * (checked here against the notices served: unknown ones are recorded as
 * "unknown"), or NULL. */
int mod_cg_receipt_write(request_rec *r, const char *action,
                         const char *method,
                         const apr_array_header_t *categories,
                         const char *receipt_id, const char *notice);
/* What limits a grant's receipt (ConsentReceiptRate, ConsentReceiptMaxSize):
 * OK, HTTP_TOO_MANY_REQUESTS or HTTP_INTERNAL_SERVER_ERROR (logged). */
int mod_cg_receipt_admit(request_rec *r);
int mod_cg_receipts_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                               apr_pool_t *ptemp);
void mod_cg_receipts_child_init(apr_pool_t *p, server_rec *s);
const char *mod_cg_set_receipt_retention(cmd_parms *cmd, void *dconf,
                                         const char *arg);
const char *mod_cg_set_receipt_rate(cmd_parms *cmd, void *dconf,
                                    const char *arg);
const char *mod_cg_set_receipt_max_size(cmd_parms *cmd, void *dconf,
                                        const char *arg);
/* Where the notices are archived: ConsentNoticeArchive, else notices/
 * next to the receipts file; NULL for neither. */
const char *mod_cg_notice_dir(apr_pool_t *p, const mod_cg_server_conf *sc);
/* GET {endpoint}/receipt: the visitor's own receipt */
int mod_cg_handle_receipt(request_rec *r);

/* mod_cg_endpoint.c: ConsentEndpoint's mapping and dispatch */
int mod_cg_translate_name(request_rec *r);
int mod_cg_map_to_storage(request_rec *r);
int mod_cg_handler(request_rec *r);
void mod_cg_endpoint_register(apr_pool_t *p);
/* The response to `r` may carry no cookie at all, whatever else the
 * configuration adds (the pixel, banner.js): every Set-Cookie goes, and
 * the gate, which asks mod_cg_cookies_forbidden(), adds none. */
void mod_cg_forbid_cookies(request_rec *r);
int mod_cg_cookies_forbidden(request_rec *r);

/* mod_cg_handler.c: the consent endpoints */
int mod_cg_handle_consent(request_rec *r);
int mod_cg_handle_forget(request_rec *r);
int mod_cg_handle_gpc_json(request_rec *r);
/* the request body, NUL-terminated, at most `limit` bytes: OK, 413 beyond,
 * 400 when it breaks off */
int mod_cg_read_body(request_rec *r, apr_size_t limit, char **body,
                     apr_size_t *len);
/* mod_cg_mirror.c: a mirror of another banner's choice posted to the
 * consent endpoint (cg_mirror_parse()): sets its cookie and writes its
 * receipt */
int mod_cg_mirror_consent(request_rec *r, const char *source,
                          const char *value);

/* mod_cg_object.c: the objection to the anonymous count */
int mod_cg_handle_object(request_rec *r);
/* whether the request carries the visitor's objection */
int mod_cg_objects(request_rec *r);

/* mod_cg_pixel.c */
const char *mod_cg_set_unique_cache(cmd_parms *cmd, void *dconf,
                                    const char *arg);
int mod_cg_pixel_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp);
int mod_cg_pixel_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s);
void mod_cg_pixel_child_init(apr_pool_t *p, server_rec *s);
int mod_cg_pixel(request_rec *r);
int mod_cg_status(request_rec *r);
/* the status page's part of the server config, and its directives */
struct mod_cg_status_conf *mod_cg_status_conf_create(apr_pool_t *p);
struct mod_cg_status_conf *mod_cg_status_conf_merge(
    apr_pool_t *p, const struct mod_cg_status_conf *base,
    const struct mod_cg_status_conf *add);
const char *mod_cg_set_status(cmd_parms *cmd, void *dconf, int on);
const char *mod_cg_set_status_list(cmd_parms *cmd, void *dconf,
                                   const char *arg);
const char *mod_cg_set_status_number(cmd_parms *cmd, void *dconf,
                                     const char *arg);
const char *mod_cg_set_status_store(cmd_parms *cmd, void *dconf,
                                    const char *arg);
/* ConsentPreset NAME: the preset's status exclusions, for cmd's server */
void mod_cg_status_preset(cmd_parms *cmd, const char *preset);
/* A choice made at the consent endpoint (`categories`: what was granted,
 * empty for a refusal) or a withdrawal (NULL), counted anonymously for
 * the status page: accept all, reject all or custom against the scope's
 * categories. Within ConsentPixelLimit per address. */
void mod_cg_status_count_choice(request_rec *r,
                                const apr_array_header_t *categories);

/* mod_cg_banner.c */
const char *mod_cg_set_banner(cmd_parms *cmd, void *dconf, const char *arg);
int mod_cg_banner_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);
int mod_cg_banner(request_rec *r);

/* mod_cg_inject.c */
int mod_cg_inject_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);
void mod_cg_inject_insert(request_rec *r);
apr_status_t mod_cg_inject_filter(ap_filter_t *f, apr_bucket_brigade *bb);

/* mod_cg_params.c: identifiers in the query string and request body */
#define MOD_CG_PARAMS_FILTER "CONSENTGATE_PARAMS"
extern ap_filter_rec_t *mod_cg_params_filter_handle;
/* Returns 1 when the query named a scrubbed parameter (removed or not):
 * the response then depends on the consent. */
int mod_cg_scrub_query(request_rec *r, const cg_policy_t *pol,
                       cg_visit_t *v, cg_state_e state);
/* Reads, scrubs and sets aside the request body for the handler; returns
 * what mod_cg_body_keep() needs, or NULL when the body was left alone;
 * sets *named when the body named a scrubbed parameter. */
void *mod_cg_scrub_body(request_rec *r, const cg_policy_t *pol, cg_visit_t *v,
                        cg_state_e state, apr_off_t limit, int *named);
/* Puts the body read above back in r's input filters if they were rebuilt. */
void mod_cg_body_keep(request_rec *r, void *body);
apr_status_t mod_cg_params_filter(ap_filter_t *f, apr_bucket_brigade *bb,
                                  ap_input_mode_t mode,
                                  apr_read_type_e block, apr_off_t readbytes);
apr_off_t mod_cg_scrub_body_limit(const mod_cg_dir_conf *dc);

/* mod_cg_csp.c: ConsentCSPWithout, ConsentGoogleConsentMode, ConsentModeMap */
const char *mod_cg_set_csp_without(cmd_parms *cmd, void *dconf,
                                   const char *category, const char *policy);
const char *mod_cg_set_gcm_map(cmd_parms *cmd, void *dconf, int argc,
                               char *const argv[]);
int mod_cg_gcm_on(const mod_cg_dir_conf *dc);       /* gate and mode on */
/* ConsentModeMap lines, else the default map (cg_gcm_map_t) */
const apr_array_header_t *mod_cg_gcm_map(apr_pool_t *p,
                                         const mod_cg_dir_conf *dc);
/* Adds the ConsentCSPWithout policies the visit gets to an HTML response;
 * returns 1 when the response depends on the visitor for it (Vary). */
int mod_cg_csp_apply(request_rec *r, const cg_visit_t *v, cg_state_e state);
/* Whether r's response is HTML (text/html, application/xhtml+xml). */
int mod_cg_is_html(request_rec *r);
/* GET {endpoint}/consent-mode.js: the consent default as a script */
int mod_cg_gcm_script(request_rec *r);
/* warns of categories that no class of the server's scope names */
int mod_cg_csp_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s);
/* mod_cg_mask.c: ConsentMaskAddress */
const char *mod_cg_set_mask(cmd_parms *cmd, void *dconf, int argc,
                            char *const argv[]);
/* the scope's line, NULL when off (the default) */
const struct cg_mask_t *mod_cg_mask(const mod_cg_dir_conf *dc);
int mod_cg_mask_create_request(request_rec *r);
int mod_cg_mask_fixups(request_rec *r);
int mod_cg_mask_log_swap(request_rec *r);
int mod_cg_mask_log_restore(request_rec *r);

/* mod_cg_gate.c */
extern ap_filter_rec_t *mod_cg_out_filter_handle;
/* added by handle: adding a filter by name looks the name up (lower-cased)
 * on every request */
extern ap_filter_rec_t *mod_cg_inject_filter_handle;
int mod_cg_fixups(request_rec *r);
int mod_cg_log_decision(request_rec *r);
void mod_cg_insert_filter(request_rec *r);
/* for error responses: the gate's filter, the body left alone */
void mod_cg_insert_error_filter(request_rec *r);
apr_status_t mod_cg_out_filter(ap_filter_t *f, apr_bucket_brigade *bb);
int mod_cg_is_https(request_rec *r);
/* The consent cookie's Set-Cookie line for a choice (no categories: a
 * refusal), under this server's name, lifetime, domain and revision. */
const char *mod_cg_consent_line(request_rec *r,
                                const apr_array_header_t *categories,
                                const char *receipt_id);
/* Expires (in err_headers_out) every cookie the visitor holds that may
 * not pass under `state`, host-only and on ConsentCookieDomain; returns
 * how many cookies. */
int mod_cg_expire_held(request_rec *r, cg_state_e state);
/* What the visitor sent: the consent cookie read, the signals (CG_SIGNAL_*) */
const cg_consent_t *mod_cg_consent(request_rec *r);
/* The receipt the visitor's cookies name (cg_policy_held_receipt()). */
int mod_cg_held_receipt(request_rec *r, const char **id, apr_time_t *when);
int mod_cg_signals(request_rec *r);
/* The visit and the decision for it under `pol`, read once per request. */
const cg_visit_t *mod_cg_visit(request_rec *r, const cg_policy_t *pol,
                               cg_state_e *state);
/* Vary on every input of the decision (Cookie and the honoured signals). */
void mod_cg_add_vary(request_rec *r, const cg_policy_t *pol);
/* True when the request's decision grants `category` (ConsentMaskAddress
 * unless=CATEGORY), wherever the gate is on or off. */
int mod_cg_granted(request_rec *r, const char *category);

#endif /* MOD_CG_H */
