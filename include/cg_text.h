/* cg_text.h: small rules about text that several parts of the module
 * apply, written once: HTTP's optional whitespace, membership of a string
 * in a set, HTML escaping, and urlencoded forms (request bodies and query
 * strings). No httpd here. */
#ifndef CG_TEXT_H
#define CG_TEXT_H

#include <apr_pools.h>
#include <apr_tables.h>

/* HTTP's optional whitespace (RFC 9110 OWS): a space or a tab. */
int cg_is_ows(int c);

/* Where [b, e) starts once OWS at its start is left out, and where it
 * ends once OWS at its end is. */
const char *cg_ows_skip(const char *b, const char *e);
const char *cg_ows_rskip(const char *b, const char *e);

/* Narrows [*b, *e) to leave out OWS at both ends. */
void cg_trim(const char **b, const char **e);

/* Whether `s` is one of `list` (NULL-terminated), byte for byte. */
int cg_in_list(const char *s, const char *const *list);

/* Whether [s, s + len) is one of `arr` (const char *; NULL is an empty
 * set), byte for byte: a prefix of a member is not a member. */
int cg_mem_in_array(const char *s, apr_size_t len,
                    const apr_array_header_t *arr);

/* The same for a string. */
int cg_in_array(const char *s, const apr_array_header_t *arr);

/* `s` fit for HTML text or a quoted attribute value: & < > " ' as
 * character references; `s` itself when nothing needs escaping. */
const char *cg_html_escape(apr_pool_t *p, const char *s);

/* Decodes one urlencoded name or value [s, s + len) into a pool string:
 * '+' is a space, %XX a byte. 0 with *err (when `err` is not NULL) set
 * for a bad escape or a NUL byte, raw or escaped, which would silently
 * cut the string short. */
int cg_form_decode(apr_pool_t *p, const char *s, apr_size_t len,
                   char **out, apr_size_t *out_len, const char **err);

/* Steps through the "name=value" pairs of a urlencoded form in
 * [*s, end), skipping empty pairs ("a=1&&b=2"): sets the raw (still
 * encoded) name and value, a pair without '=' having an empty value, and
 * moves *s past the pair. 0 when there is none left. */
int cg_form_next(const char **s, const char *end, const char **name,
                 apr_size_t *name_len, const char **value,
                 apr_size_t *value_len);

/* The decoded value of the first field called `name` (compared decoded)
 * in the urlencoded `form` of `len` bytes; NULL when there is none, or
 * when a name before it or its value is not well encoded. */
const char *cg_form_field(apr_pool_t *p, const char *form, apr_size_t len,
                          const char *name);

#endif /* CG_TEXT_H */
