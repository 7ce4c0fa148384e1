/* cg_mask.c: masked client addresses, one masking for the pixel's hash
 * and for ConsentMaskAddress, and the decision of what a visitor's
 * address is masked for. */
#include <string.h>
#include <arpa/inet.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cg_mask.h"
#include "cg_classify.h"

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0xff, 0xff };

static void zero_tail(unsigned char *addr, int len, int bits)
{
    int i;

    if (bits > len * 8) {
        bits = len * 8;
    }
    for (i = len - 1; bits > 0 && i >= 0; --i, bits -= 8) {
        addr[i] &= (unsigned char)(bits >= 8 ? 0 : (0xff << bits));
    }
}

int cg_mask_bytes(unsigned char *a, apr_size_t len, int v4_bits, int v6_bits)
{
    if (len == 4) {
        zero_tail(a, 4, v4_bits);
    }
    else if (len == 16 && !memcmp(a, v4_mapped, sizeof(v4_mapped))) {
        zero_tail(a + 12, 4, v4_bits);
    }
    else if (len == 16) {
        zero_tail(a, 16, v6_bits);
    }
    else {
        return 0;
    }
    return 1;
}

/* Dotted quad of a masked IPv4 address: what inet_ntop writes, without
 * its cost on every counted view. */
static const char *ipv4_text(apr_pool_t *p, const unsigned char a[4])
{
    char buf[16], *w = buf;
    int i;

    for (i = 0; i < 4; ++i) {
        unsigned int v = a[i];

        if (i) {
            *w++ = '.';
        }
        if (v >= 100) {
            *w++ = (char)('0' + v / 100);
        }
        if (v >= 10) {
            *w++ = (char)('0' + v / 10 % 10);
        }
        *w++ = (char)('0' + v % 10);
    }
    return apr_pstrmemdup(p, buf, (apr_size_t)(w - buf));
}

const char *cg_mask_ip_bits(apr_pool_t *p, const char *ip, int v4_bits,
                            int v6_bits)
{
    unsigned char a[16];
    char out[INET6_ADDRSTRLEN];

    if (!ip) {
        return NULL;
    }
    if (inet_pton(AF_INET, ip, a) == 1) {
        zero_tail(a, 4, v4_bits);
        return ipv4_text(p, a);
    }
    if (inet_pton(AF_INET6, ip, a) == 1) {
        cg_mask_bytes(a, 16, v4_bits, v6_bits);
        if (!memcmp(a, v4_mapped, sizeof(v4_mapped))) {
            return ipv4_text(p, a + 12);
        }
        return inet_ntop(AF_INET6, a, out, sizeof(out))
            ? apr_pstrdup(p, out) : NULL;
    }
    return NULL;
}

const char *cg_mask_ip(apr_pool_t *p, const char *ip, int v4_bytes,
                       int v6_bits)
{
    /* more bytes than an address has are all of them: no overflow */
    if (v4_bytes > 4) {
        v4_bytes = 4;
    }
    return cg_mask_ip_bits(p, ip, v4_bytes * 8, v6_bits);
}

int cg_mask_decide(const cg_mask_t *m, int granted)
{
    if (!m || (m->unless && granted)) {
        return 0;
    }
    return m->where;
}

static const struct {
    const char *word;
    int where;
} where_words[] = {
    { "off", 0 },
    { "logs", CG_MASK_LOGS },
    { "backend", CG_MASK_BACKEND },
    { "both", CG_MASK_LOGS | CG_MASK_BACKEND },
};

/* "/N" or "N", 0 <= N <= max; -1 otherwise */
static int parse_prefix(const char *s, int max)
{
    int n = 0;

    if (*s == '/') {
        ++s;
    }
    if (!*s || strlen(s) > 3) {
        return -1;
    }
    for (; *s; ++s) {
        if (!apr_isdigit(*s)) {
            return -1;
        }
        n = n * 10 + (*s - '0');
    }
    return n <= max ? n : -1;
}

const char *cg_mask_parse(apr_pool_t *p, int argc, char *const argv[],
                          cg_mask_t *out)
{
    int i, seen_v4 = 0, seen_v6 = 0;
    apr_size_t w;

    if (argc < 1) {
        return "name off, logs, backend or both";
    }
    for (w = 0; w < sizeof(where_words) / sizeof(where_words[0]); ++w) {
        if (!strcmp(argv[0], where_words[w].word)) {
            break;
        }
    }
    if (w == sizeof(where_words) / sizeof(where_words[0])) {
        return apr_psprintf(p, "'%s' is not one of: off, logs, backend, "
                            "both", argv[0]);
    }
    memset(out, 0, sizeof(*out));
    out->where = where_words[w].where;
    out->v4_bits = CG_MASK_DEFAULT_V4_BITS;
    out->v6_bits = CG_MASK_DEFAULT_V6_BITS;
    if (!out->where && argc > 1) {
        return apr_psprintf(p, "'off' takes no options, not '%s'", argv[1]);
    }
    for (i = 1; i < argc; ++i) {
        const char *a = argv[i];
        int n;

        if (!strncmp(a, "ipv4=", 5) && !seen_v4++) {
            if ((n = parse_prefix(a + 5, 32)) < 0) {
                return apr_psprintf(p, "'%s': the IPv4 prefix kept is /0 "
                                    "to /32", a);
            }
            out->v4_bits = 32 - n;
        }
        else if (!strncmp(a, "ipv6=", 5) && !seen_v6++) {
            if ((n = parse_prefix(a + 5, 128)) < 0) {
                return apr_psprintf(p, "'%s': the IPv6 prefix kept is /0 "
                                    "to /128", a);
            }
            out->v6_bits = 128 - n;
        }
        else if (!strncmp(a, "unless=", 7) && !out->unless) {
            if (!cg_category_valid(a + 7, strlen(a + 7))) {
                return apr_psprintf(p, "'%s': not a category name", a);
            }
            out->unless = apr_pstrdup(p, a + 7);
        }
        else if (!strncmp(a, "ipv4=", 5) || !strncmp(a, "ipv6=", 5)
                 || !strncmp(a, "unless=", 7)) {
            return apr_psprintf(p, "'%s': given twice", a);
        }
        else {
            return apr_psprintf(p, "'%s' is not one of: ipv4=/N, ipv6=/N, "
                                "unless=CATEGORY", a);
        }
    }
    return NULL;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* One X-Forwarded-For element (`len` bytes, trimmed) masked, or NULL
 * when it is no address in any form the list uses. */
static const char *mask_element(apr_pool_t *p, const char *e, apr_size_t len,
                                int v4_bits, int v6_bits)
{
    const char *end = e + len, *colon;

    if (len >= 2 && *e == '[') {
        /* "[v6]" or "[v6]:port" */
        const char *close = memchr(e, ']', len);

        if (!close || (close + 1 != end && close[1] != ':')) {
            return NULL;
        }
        return cg_mask_ip_bits(p, apr_pstrmemdup(p, e + 1,
                                                 (apr_size_t)(close - e - 1)),
                               v4_bits, v6_bits);
    }
    colon = memchr(e, ':', len);
    if (colon && !memchr(colon + 1, ':', (apr_size_t)(end - colon - 1))) {
        /* one colon: "v4:port" */
        len = (apr_size_t)(colon - e);
        if (!memchr(e, '.', len)) {
            return NULL;
        }
    }
    return cg_mask_ip_bits(p, apr_pstrmemdup(p, e, len), v4_bits, v6_bits);
}

const char *cg_mask_forwarded_for(apr_pool_t *p, const char *list,
                                  int v4_bits, int v6_bits)
{
    const char *s = list;
    char *out = NULL;

    if (!list) {
        return NULL;
    }
    while (*s) {
        const char *e, *end;
        const char *m;

        while (is_ows(*s) || *s == ',') {
            ++s;
        }
        if (!*s) {
            break;
        }
        e = s;
        while (*s && *s != ',') {
            ++s;
        }
        end = s;
        while (end > e && is_ows(end[-1])) {
            --end;
        }
        m = mask_element(p, e, (apr_size_t)(end - e), v4_bits, v6_bits);
        if (!m) {
            m = "unknown";
        }
        out = out ? apr_pstrcat(p, out, ", ", m, NULL) : apr_pstrdup(p, m);
    }
    return out;
}
