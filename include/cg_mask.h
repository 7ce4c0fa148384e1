/* cg_mask.h: masked client addresses (ConsentMaskAddress and the pixel's
 * visitor hash): the host part of an address zeroed, so a log line or a
 * backend keeps the network (a /16 of IPv4, a /48 of IPv6 by default) and
 * loses the visitor. The directive's words and the decision for one
 * visitor live here too. No httpd here. */
#ifndef CG_MASK_H
#define CG_MASK_H

#include <apr_pools.h>

/* Where a masked address goes (ConsentMaskAddress logs|backend|both). */
#define CG_MASK_LOGS    0x1     /* the access log's %a and %h */
#define CG_MASK_BACKEND 0x2     /* REMOTE_ADDR, X-Forwarded-For */

/* Bits zeroed by default: 2 bytes of IPv4 (a /16 kept), 80 bits of IPv6
 * (a /48 kept), as the pixel masks and Matomo anonymises. */
#define CG_MASK_DEFAULT_V4_BITS 16
#define CG_MASK_DEFAULT_V6_BITS 80

/* One ConsentMaskAddress line. */
typedef struct cg_mask_t {
    int where;              /* CG_MASK_*; 0: off */
    int v4_bits;            /* bits zeroed at the end of an IPv4 address */
    int v6_bits;            /* of an IPv6 address */
    const char *unless;     /* a category: who granted it is not masked */
} cg_mask_t;

/* Parses the words of a ConsentMaskAddress line: off|logs|backend|both,
 * then optionally ipv4=/N (prefix kept, 0-32), ipv6=/N (0-128) and
 * unless=CATEGORY, each once. NULL when fine (*out filled), else the
 * error text (without the directive's name). */
const char *cg_mask_parse(apr_pool_t *p, int argc, char *const argv[],
                          cg_mask_t *out);

/* What is masked (CG_MASK_*) for one visitor under `m` (NULL: off);
 * `granted` is true when the visitor granted m->unless. */
int cg_mask_decide(const cg_mask_t *m, int granted);

/* Zeroes the host part of a raw address in place: `len` 4 (IPv4) or 16
 * (IPv6; an IPv4-mapped one is masked as IPv4). The last `v4_bits` of
 * IPv4, `v6_bits` of IPv6 (more than there are: all). Returns 0 for any
 * other length, leaving `a` alone. */
int cg_mask_bytes(unsigned char *a, apr_size_t len, int v4_bits,
                  int v6_bits);

/* The address with its host part zeroed, in its canonical text (IPv4-
 * mapped IPv6 as a dotted quad). NULL when `ip` is no address. */
const char *cg_mask_ip_bits(apr_pool_t *p, const char *ip, int v4_bits,
                            int v6_bits);

/* The same with the IPv4 width in bytes, as the pixel counts it. */
const char *cg_mask_ip(apr_pool_t *p, const char *ip, int v4_bytes,
                       int v6_bits);

/* An X-Forwarded-For list with every address masked: an element that is
 * an address (also "[v6]", "[v6]:port", "v4:port", whose port is dropped)
 * becomes the masked address, any other element "unknown" (it could hide
 * an address in another form); empty elements go. Joined by ", ". NULL
 * for NULL or when nothing is left. */
const char *cg_mask_forwarded_for(apr_pool_t *p, const char *list,
                                  int v4_bits, int v6_bits);

#endif /* CG_MASK_H */
