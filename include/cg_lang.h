/* cg_lang.h: language tags and Accept-Language negotiation. No httpd
 * here. */
#ifndef CG_LANG_H
#define CG_LANG_H

#include <apr_tables.h>

/* A language tag as BCP 47 spells it, loosely: alpha{1,8} ("-" alnum{1,8})* */
int cg_lang_is_tag(const char *s);

/* Of `languages` (const char *, at least one, the default first), the one
 * that best answers an Accept-Language header: RFC 4647 lookup on the
 * q-ordered ranges, and a range such as "de" also takes a configured
 * "de-CH". The default when nothing matches or the header is absent or
 * malformed. */
const char *cg_lang_pick(const apr_array_header_t *languages,
                         const char *accept_language);

#endif /* CG_LANG_H */
