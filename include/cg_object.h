/* cg_object.h: a visitor's objection to the anonymous audience count (the
 * pixel): a strictly necessary cookie that names no one, and the choice a
 * POST to the object endpoint carries. No httpd here. */
#ifndef CG_OBJECT_H
#define CG_OBJECT_H

#include <apr_pools.h>

/* Set to "1" while the visitor objects; the same for every objector, so it
 * identifies no one. Always classified necessary. */
#define CG_OBJECT_COOKIE "consentgate_object"

/* Whether a Cookie header carries the objection (CG_OBJECT_COOKIE=1 and
 * no other value of it). NULL header: no. */
int cg_object_in(apr_pool_t *p, const char *cookie_header);

/* The choice of a POST body: 1 object, 0 withdraw the objection, -1 not
 * understood. An empty body objects. Forms: object=1|0|true|false; JSON:
 * {"object": true|false}. */
int cg_object_choice(apr_pool_t *p, const char *content_type,
                     const char *body, apr_size_t len);

#endif /* CG_OBJECT_H */
