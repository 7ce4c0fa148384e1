/* cg_site.c: same-site checks for the consent-recording endpoints and safe
 * redirect targets after them. */
#include <string.h>

#include <apr_strings.h>
#include <apr_lib.h>

#include "cg_site.h"
#include "cg_text.h"

/* True when [s, s + len) is `word`, byte for byte. */
static int mem_is(const char *s, apr_size_t len, const char *word)
{
    return strlen(word) == len && !memcmp(s, word, len);
}

/* The port a scheme means when none is written; -1 when it has none we
 * know of, so only an identical explicit port matches. */
static int default_port(const char *scheme, apr_size_t len)
{
    if (len == 4 && !strncasecmp(scheme, "http", 4)) {
        return 80;
    }
    if (len == 5 && !strncasecmp(scheme, "https", 5)) {
        return 443;
    }
    return -1;
}

/* A host and port, pointing into the string they were read from. */
typedef struct hostport_t {
    const char *host;
    apr_size_t host_len;
    int port;               /* -1 when none was written */
} hostport_t;

/* Characters of a host name as browsers serialize it in an origin (IDNs
 * arrive as punycode). RFC 3986 allows more in a reg-name, but nothing a
 * browser sends, and anything else could only be an attempt to confuse. */
static int is_host_char(char c)
{
    return apr_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Reads `s`, which must be all of host [":" port], with the host either a
 * name or an IP literal in brackets. 0 when it is anything else. */
static int parse_hostport(const char *s, hostport_t *out)
{
    const char *b = s;

    if (*s == '[') {
        /* an IPv6 literal; the brackets are part of the host */
        ++s;
        while (apr_isxdigit(*s) || *s == ':' || *s == '.') {
            ++s;
        }
        if (*s != ']' || s == b + 1) {
            return 0;
        }
        ++s;
    }
    else {
        while (is_host_char(*s)) {
            ++s;
        }
        if (s == b) {
            return 0;
        }
    }
    out->host = b;
    out->host_len = s - b;
    out->port = -1;
    if (*s == ':') {
        int digits = 0, port = 0;

        ++s;
        while (apr_isdigit(*s)) {
            /* five digits at most, so `port` cannot overflow */
            if (++digits > 5) {
                return 0;
            }
            port = port * 10 + (*s++ - '0');
        }
        if (digits == 0 || port > 65535) {
            return 0;
        }
        out->port = port;
    }
    return *s == '\0';
}

/* Does the Origin header `origin` name the origin of `scheme` + `host`? */
static int origin_matches(const char *origin, const char *scheme,
                          const char *host)
{
    const char *s = origin;
    apr_size_t scheme_len = strlen(scheme);
    hostport_t o, h;
    int dflt, oport, hport;

    /* scheme, RFC 3986 3.1 */
    if (!apr_isalpha(*s)) {
        return 0;
    }
    while (apr_isalnum(*s) || *s == '+' || *s == '-' || *s == '.') {
        ++s;
    }
    if ((apr_size_t)(s - origin) != scheme_len
        || strncasecmp(origin, scheme, scheme_len)
        || strncmp(s, "://", 3)) {
        return 0;
    }
    if (!parse_hostport(s + 3, &o) || !parse_hostport(host, &h)) {
        return 0;
    }
    if (o.host_len != h.host_len || strncasecmp(o.host, h.host, o.host_len)) {
        return 0;
    }
    dflt = default_port(scheme, scheme_len);
    oport = o.port == -1 ? dflt : o.port;
    hport = h.port == -1 ? dflt : h.port;
    return oport == hport;
}

int cg_request_is_same_site(const char *sec_fetch_site, const char *origin,
                            const char *scheme, const char *host)
{
    return cg_request_from_site(sec_fetch_site, origin, scheme, host, 1);
}

int cg_request_from_site(const char *sec_fetch_site, const char *origin,
                         const char *scheme, const char *host,
                         int allow_same_site)
{
    if (!scheme || !host) {
        return 0;
    }
    if (sec_fetch_site) {
        const char *b = sec_fetch_site, *e = b + strlen(b);

        cg_trim(&b, &e);
        return mem_is(b, e - b, "same-origin")
            || (allow_same_site && mem_is(b, e - b, "same-site"));
    }
    /* "null" would fail the parse anyway; said here so nobody "fixes" it */
    if (!origin || !strcmp(origin, "null")) {
        return 0;
    }
    return origin_matches(origin, scheme, host);
}

/* True when `s` starts with '%' and the two hex digits of `byte`. */
static int is_escape_of(const char *s, unsigned char byte)
{
    static const char hex[] = "0123456789abcdef";

    return s[0] == '%'
        && apr_tolower(s[1]) == hex[byte >> 4]
        && apr_tolower(s[2]) == hex[byte & 0xf];
}

const char *cg_safe_return_to(apr_pool_t *p, const char *return_to)
{
    const unsigned char *s = (const unsigned char *)return_to;
    apr_size_t len;

    if (!s || s[0] != '/') {
        return NULL;
    }
    /* "//evil" is a network path, and so are "/%2Fevil" and "/%5Cevil" to
     * anything that decodes the path before redirecting; "/\evil", which
     * browsers read as "//evil", goes with every other backslash below */
    if (s[1] == '/'
        || is_escape_of(return_to + 1, '/')
        || is_escape_of(return_to + 1, '\\')) {
        return NULL;
    }
    for (len = 0; s[len]; ++len) {
        if (len >= CG_RETURN_TO_MAX) {
            return NULL;
        }
        if (s[len] < 0x20 || s[len] == 0x7f || s[len] == '\\'
            || s[len] == ' ') {
            return NULL;
        }
    }
    return apr_pstrmemdup(p, return_to, len);
}
