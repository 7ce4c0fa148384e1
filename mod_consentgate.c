/* mod_consentgate: keeps tracking cookies out of responses until the
 * visitor consents and sends no opt-out signal (GDPR, ePrivacy).
 * This file is the module record and its hooks; the work is in src/
 * (httpd layer) and lib/ (httpd-free parsers and decisions). */
#include <httpd.h>
#include <http_config.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <apr_strings.h>

#include "mod_cg.h"

static void register_hooks(apr_pool_t *p)
{
    /* after mod_headers, so cookies it adds are gated too */
    static const char *const after_headers[] = { "mod_headers.c", NULL };
    /* before "ProxyPass /" or a RewriteRule could take the endpoint */
    static const char *const before_mapping[] = {
        "mod_proxy.c", "mod_alias.c", "mod_rewrite.c", NULL
    };

    /* before mod_proxy's fixup copies the query string into the URL it
     * forwards to */
    static const char *const before_proxy[] = { "mod_proxy.c", NULL };

    ap_hook_fixups(mod_cg_fixups, NULL, before_proxy, APR_HOOK_FIRST);
    /* ConsentMaskAddress: masked for the backend once access control and
     * mod_dir's index lookup are done, before mod_headers copies the
     * address into a request header; for the access log around
     * mod_log_config; real again for a redirect's or subrequest's own
     * access control */
    {
        static const char *const dir[] = { "mod_dir.c", NULL };
        static const char *const headers[] = { "mod_headers.c", NULL };
        static const char *const log_config[] = { "mod_log_config.c", NULL };

        ap_hook_create_request(mod_cg_mask_create_request, NULL, NULL,
                               APR_HOOK_MIDDLE);
        ap_hook_fixups(mod_cg_mask_fixups, dir, headers, APR_HOOK_LAST);
        ap_hook_log_transaction(mod_cg_mask_log_swap, NULL, log_config,
                                APR_HOOK_REALLY_FIRST);
        /* the decision of a response that mod_cache served, for the log */
        ap_hook_log_transaction(mod_cg_log_decision, NULL, log_config,
                                APR_HOOK_FIRST);
        ap_hook_log_transaction(mod_cg_mask_log_restore, log_config, NULL,
                                APR_HOOK_REALLY_LAST);
    }
    /* the shared table of merged configurations and their policies */
    ap_hook_pre_config(mod_cg_config_pre_config, NULL, NULL,
                       APR_HOOK_MIDDLE);
    ap_hook_post_config(mod_cg_config_post_config, NULL, NULL,
                        APR_HOOK_MIDDLE);
    /* last: the notices it archives are made by the banner's */
    ap_hook_pre_config(mod_cg_receipts_pre_config, NULL, NULL,
                       APR_HOOK_MIDDLE);
    ap_hook_post_config(mod_cg_receipts_post_config, NULL, NULL,
                        APR_HOOK_LAST);
    ap_hook_child_init(mod_cg_receipts_child_init, NULL, NULL,
                       APR_HOOK_MIDDLE);
    /* the pixel's counters, mutex and unique-visitor cache (after the
     * socache providers have registered) */
    ap_hook_pre_config(mod_cg_pixel_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(mod_cg_pixel_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(mod_cg_banner_post_config, NULL, NULL,
                        APR_HOOK_MIDDLE);
    ap_hook_post_config(mod_cg_inject_post_config, NULL, NULL,
                        APR_HOOK_MIDDLE);
    /* in the configuration test too: a category no one can grant */
    ap_hook_check_config(mod_cg_csp_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(mod_cg_pixel_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    /* the endpoint is claimed before mod_rewrite or mod_alias see the URI,
     * and kept off the filesystem so no .htaccess rewrite swallows it */
    ap_hook_translate_name(mod_cg_translate_name, NULL, before_mapping,
                           APR_HOOK_FIRST);
    ap_hook_map_to_storage(mod_cg_map_to_storage, NULL, NULL,
                           APR_HOOK_FIRST);
    ap_hook_handler(mod_cg_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_filter(mod_cg_insert_filter, after_headers, NULL,
                          APR_HOOK_LAST);
    ap_hook_insert_error_filter(mod_cg_insert_error_filter, after_headers,
                                NULL, APR_HOOK_LAST);
    /* pages only: httpd's own error pages get no banner */
    ap_hook_insert_filter(mod_cg_inject_insert, NULL, NULL, APR_HOOK_MIDDLE);
    /* before CACHE_SAVE (AP_FTYPE_CONTENT_SET + 1): mod_cache stores the
     * gated response together with the Vary that keys it on the inputs of
     * the decision, so a cache hit never replays another visitor's cookies */
    /* the request body, once tracking parameters were taken out of it */
    mod_cg_params_filter_handle = ap_register_input_filter(
        MOD_CG_PARAMS_FILTER, mod_cg_params_filter, NULL, AP_FTYPE_RESOURCE);
    mod_cg_out_filter_handle = ap_register_output_filter(
        MOD_CG_FILTER, mod_cg_out_filter, NULL, AP_FTYPE_CONTENT_SET);
    mod_cg_endpoint_register(p);
    /* after the resource filters (SSI, mod_substitute) have made the page,
     * before mod_deflate compresses it */
    mod_cg_inject_filter_handle = ap_register_output_filter(
        MOD_CG_INJECT_FILTER, mod_cg_inject_filter, NULL,
        AP_FTYPE_CONTENT_SET - 1);
}

AP_DECLARE_MODULE(consentgate) = {
    STANDARD20_MODULE_STUFF,
    mod_cg_create_dir_conf,
    mod_cg_merge_dir_conf,
    mod_cg_create_server_conf,
    mod_cg_merge_server_conf,
    mod_cg_cmds,
    register_hooks
};
