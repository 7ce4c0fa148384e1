/* soakclient: the load generator and oracle of soak/run.
 *
 * One thread, epoll, CONNS keep-alive HTTP/1.1 connections to the gated
 * vhost, one request at a time on each (no pipelining). Every request is
 * drawn from a weighted mix (static pages with the banner injected, the
 * Mautic-like app through php-fpm, through mod_proxy_http and as CGI, and
 * the module's endpoints), in one of several consent states, and every
 * response is checked against what the gate must do with it (see
 * soak/README.md). A share of the requests comes from an attacker (one
 * X-Forwarded-For address flooding consent, forget and junk pixel paths),
 * the rest from visitors spread over many addresses. Exit status 0 when every response passed, 1 when any
 * failed or was lost, 2 on a usage or setup error.
 *
 * A connection the server closed between two requests is normal HTTP: the
 * client looks (MSG_PEEK) before it reuses one, and when the server closed
 * it while the request was on its way (nothing of a response came back,
 * and the connection had served a response before) the request is sent
 * again once, on a new connection, and counted as a retry. Anything else
 * (a refused connect, a reset or EOF on a fresh connection or in the
 * middle of a response, a timeout, a malformed response) is a loss. A
 * retried request that the server had in fact processed shows up in the
 * end checks: one receipt or one pixel view too many.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ mix */

enum kind {
    K_PAGE,             /* static page, banner injected, mod_headers cookies */
    K_PXS,              /* the same page through mod_proxy_http */
    K_APP,              /* the app through php-fpm (mod_proxy_fcgi) */
    K_PX,               /* the app through mod_proxy_http -> php-fpm */
    K_CGI,              /* the app as CGI (php-cgi): slow, rare */
    K_PIXEL,            /* {endpoint}/pixel.gif, counted */
    K_PIXEL_SKIP,       /* the pixel for a bot or a prefetch: not counted */
    K_BANNER,           /* {endpoint}/banner.js */
    K_GRANT,            /* POST consent, JSON, Sec-Fetch-Site */
    K_GRANT_ORIGIN,     /* POST consent, JSON, Origin */
    K_REFUSE,           /* POST consent, JSON [] */
    K_GRANT_FORM,       /* POST consent, form, return_to: 303 */
    K_GRANT_GPC,        /* POST consent with Sec-GPC: receipt says gpc */
    K_XSITE,            /* POST consent from another site: 403 */
    K_FORGET_GET,
    K_FORGET_POST,
    K_STATUS,           /* {endpoint}/status?format=json */
    K_GPCJSON,          /* {endpoint}/gpc.json */
    /* the attacker: one address (HOSTILE_ADDR), flooding */
    K_H_CONSENT,        /* POST consent, a grant, same-origin */
    K_H_FORGET,         /* POST forget with a consent to withdraw */
    K_H_PIXEL,          /* the pixel with a junk ?u= path, no Referer */
    K_NKINDS
};

static const char *const kind_name[K_NKINDS] = {
    "page", "proxy-page", "fpm", "proxy-fpm", "cgi", "pixel", "pixel-skip",
    "banner.js", "consent", "consent-origin", "refuse", "consent-form",
    "consent-gpc", "consent-xsite", "forget-get", "forget-post", "status",
    "gpc.json", "hostile-consent", "hostile-forget", "hostile-pixel"
};

/* weights per 10000 requests */
static int kind_weight[K_NKINDS] = {
    [K_PAGE] = 3450, [K_PXS] = 700, [K_APP] = 1300, [K_PX] = 600,
    [K_CGI] = 3,
    [K_PIXEL] = 1500, [K_PIXEL_SKIP] = 150, [K_BANNER] = 1000,
    [K_GRANT] = 400, [K_GRANT_ORIGIN] = 100, [K_REFUSE] = 200,
    [K_GRANT_FORM] = 60, [K_GRANT_GPC] = 40, [K_XSITE] = 40,
    [K_FORGET_GET] = 100, [K_FORGET_POST] = 100,
    [K_STATUS] = 47, [K_GPCJSON] = 210,
    /* 1700 of 11700: about 15 % of the requests come from the attacker */
    [K_H_CONSENT] = 500, [K_H_FORGET] = 400, [K_H_PIXEL] = 800,
};

static int kind_hostile(enum kind k)
{
    return k == K_H_CONSENT || k == K_H_FORGET || k == K_H_PIXEL;
}

/* Addresses, sent in X-Forwarded-For (soak/run trusts it from loopback
 * with mod_remoteip). The module's limits count per masked address (the
 * /16 of IPv4), so the visitors come from LEGIT_NETS different /16s,
 * 20.0.0.1 to 27.255.0.1, and the attacker from one address. Public
 * ranges, as mod_remoteip takes no private address from a
 * RemoteIPTrustedProxy. */
#define LEGIT_NETS 2048
#define HOSTILE_ADDR "203.0.113.66"

enum route {
    R_LANDING, R_MTRACKING, R_REDIRECT_CT, R_REDIRECT, R_ASSET, R_FORM,
    R_EMAIL_GIF, R_FOCUS, R_LANDING_AB, R_UNSUBSCRIBE, R_NROUTES
};

static const int route_weight[R_NROUTES] = {
    [R_LANDING] = 20, [R_MTRACKING] = 20, [R_REDIRECT_CT] = 8,
    [R_REDIRECT] = 4, [R_ASSET] = 8, [R_FORM] = 8, [R_EMAIL_GIF] = 8,
    [R_FOCUS] = 8, [R_LANDING_AB] = 8, [R_UNSUBSCRIBE] = 8,
};

/* the visitor's consent, as its Cookie and signals say */
enum state {
    S_PLAIN,            /* mautic_consent=1 */
    S_WORD,             /* yes, true, granted, any case */
    S_GRANT,            /* cg1.tracking... from the consent endpoint */
    S_NONE,             /* no consent cookie */
    S_ZERO,             /* mautic_consent=0 (or no, false, denied) */
    S_REFUSED,          /* cg1..., a refusal from the endpoint */
    S_GPC,              /* a granting cookie with Sec-GPC: 1 */
    S_DNT,              /* a granting cookie with DNT: 1 */
    S_STALE,            /* cg1.tracking, too old or from the future */
    S_GARBAGE,          /* a value that means nothing */
    S_NSTATES
};

static const char *const state_name[S_NSTATES] = {
    "consent=1", "consent=word", "consent=cg1", "no-consent", "consent=0",
    "refused-cg1", "gpc+consent", "dnt+consent", "stale-cg1", "garbage"
};

static const int state_weight[S_NSTATES] = {
    [S_PLAIN] = 16, [S_WORD] = 4, [S_GRANT] = 20, [S_NONE] = 20,
    [S_ZERO] = 8, [S_REFUSED] = 7, [S_GPC] = 12, [S_DNT] = 5,
    [S_STALE] = 4, [S_GARBAGE] = 4,
};

static int state_grants(enum state s)
{
    return s == S_PLAIN || s == S_WORD || s == S_GRANT;
}

/* a consent the server reads (granted or refused): what forget withdraws
 * and writes a receipt for; stale and garbage values are no consent */
static int state_holds_consent(enum state s)
{
    return state_grants(s) || s == S_ZERO || s == S_REFUSED || s == S_GPC
        || s == S_DNT;
}

/* tracking cookies, as a bit mask */
#define T_DEVICE  1u
#define T_MTC     2u
#define T_REFERER 4u
#define T_SID     8u
#define T_PAGE    16u

#define SESSION_NAME "0123456789abcdef0123456789abcdef"
#define TAG "<script src=\"/consentgate/banner.js\" defer></script>"
#define MARKER "consentgate/banner.js"
#define UA_BASE "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

/* ------------------------------------------------------------------ pages */

#define NPAGES 5
static const char *const page_name[NPAGES] = {
    "head.html", "body.html", "bare.html", "present.html", "big.html"
};
static char *page_data[NPAGES];
static size_t page_len[NPAGES];

/* ------------------------------------------------------------------ state */

struct request {
    enum kind kind;
    enum route route;
    enum state state;
    int page;
    int carries;            /* the request carries mautic_device_id, mtc_id */
    int retried;
    int failed;             /* the oracle or the transport failed it */
    int gpc, dnt;           /* the signals the request carried */
    double sent_at;
    long long views_floor;  /* status: views the counters must show at least */
    long long pixels_done;  /* status: counted pixels answered before it was sent */
    char line[300];         /* method and target, for messages */
    char addr[16];          /* X-Forwarded-For of a visitor */
};

struct conn {
    int id;
    int fd;
    int phase;              /* 0 no socket, 1 connecting, 2 writing, 3 reading */
    int served;             /* responses on this socket */
    int busy;               /* a request is under way */
    struct request req;
    char wbuf[4096];
    size_t wlen, woff;
    char *rbuf;
    size_t rlen, rcap;
    double last_io;
    int conn_err;           /* connect() failed at once */
    /* the visitor behind this connection */
    char grant[128];        /* cg1.tracking... the endpoint gave it */
    char refusal[128];
    char device[24];
};

static struct {
    unsigned long long issued, completed, ok, failed, lost, retries;
    unsigned long long idle_closed, server_closes, connects;
    unsigned long long by_kind[K_NKINDS], by_state[S_NSTATES];
    unsigned long long tracking_delivered, tracking_withheld;
    unsigned long long injected_ok, consent_ok, forget_ok, receipts_expected;
    unsigned long long forget_receipts;     /* forgets of a held consent */
    unsigned long long revoke_receipts;     /* refusals set on a revocation path */
    unsigned long long xsite_refused;
    unsigned long long pixel_counted_ok, pixel_counted_sent, pixel_skipped_ok;
    unsigned long long status_checks;
    /* the attacker's answers */
    unsigned long long hostile_granted, hostile_refused, hostile_limited;
    unsigned long long hostile_forget_ok, hostile_forget_refused;
    unsigned long long hostile_pixel_sent, hostile_pixel_ok;
    unsigned long long fail_reason[32];
} st;

static const char *const fail_name[] = {
    "status", "tracking-leak", "tracking-missing", "session-missing",
    "empty-set-cookie", "consent-cookie", "injection", "pixel", "banner",
    "receipt-id", "status-json", "counter", "unexpected-consent-cookie",
    "deletion-missing", "bad-response", "server-error", "loss-connect",
    "loss-reset", "loss-eof", "loss-timeout", "loss-partial", "location",
    "gpc-json", NULL
};
enum {
    F_STATUS, F_LEAK, F_MISSING, F_SESSION, F_EMPTY, F_CONSENT, F_INJECT,
    F_PIXEL, F_BANNER, F_RID, F_STATUS_JSON, F_COUNTER, F_UNEXPECTED_CONSENT,
    F_DELETION, F_BAD, F_5XX, L_CONNECT, L_RESET, L_EOF, L_TIMEOUT,
    L_PARTIAL, F_LOCATION, F_GPCJSON
};

static int port, nconns = 24, timeout_s = 30;
static unsigned long long total = 1000000;
static const char *outdir;
static long long views_base = -1;
static long long status_max_views = -1;   /* highest views any status showed */
static FILE *rids_f, *fail_f, *retry_f;
static unsigned long long fail_logged;
static int epfd;
static struct sockaddr_in addr;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static double t0;
static long long epoch_first;   /* the wall clock's second of the first request */
static volatile sig_atomic_t stop;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)((rnd() >> 11) % n);
}

static int pick(const int *weights, int n)
{
    int sum = 0, i, r;
    for (i = 0; i < n; ++i) {
        sum += weights[i];
    }
    r = (int)rnd_below((unsigned)sum);
    for (i = 0; i < n; ++i) {
        if (r < weights[i]) {
            return i;
        }
        r -= weights[i];
    }
    return n - 1;
}

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("soakclient: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* ------------------------------------------------------------------ response */

#define MAX_COOKIES 32

struct response {
    int status;
    const char *head;           /* the header block, NUL-terminated copy */
    const char *body;
    size_t body_len;
    int conn_close;
    const char *cookies[MAX_COOKIES];   /* Set-Cookie values */
    int ncookies;
    char ctype[128];
    char location[256];
};

static void fail(struct conn *c, int reason, const struct response *r,
                 const char *fmt, ...)
{
    va_list ap;

    st.fail_reason[reason]++;
    c->req.failed = 1;
    if (fail_f && fail_logged < 200) {
        fail_logged++;
        fprintf(fail_f, "FAIL %s: %s [%s, %s%s] on connection %d: ",
                fail_name[reason], c->req.line, kind_name[c->req.kind],
                state_name[c->req.state], c->req.carries ? ", carries ids" : "",
                c->id);
        va_start(ap, fmt);
        vfprintf(fail_f, fmt, ap);
        va_end(ap);
        fputc('\n', fail_f);
        if (r && r->head) {
            fprintf(fail_f, "---- response head\n%s\n----\n", r->head);
        }
        fflush(fail_f);
    }
    if (fail_logged <= 10) {
        fprintf(stderr, "soak: FAIL %s: %s [%s, %s] ", fail_name[reason],
                c->req.line, kind_name[c->req.kind], state_name[c->req.state]);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

static const char *memmem_ci_hdr(const char *head, const char *name)
{
    /* the value of the first header `name` (at a line start), or NULL */
    size_t n = strlen(name);
    const char *p = strstr(head, "\r\n");
    while (p) {
        p += 2;
        if (!strncasecmp(p, name, n) && p[n] == ':') {
            p += n + 1;
            while (*p == ' ' || *p == '\t') {
                ++p;
            }
            return p;
        }
        p = strstr(p, "\r\n");
    }
    return NULL;
}

static void copy_hdr(char *dst, size_t size, const char *v)
{
    size_t i = 0;
    if (v) {
        while (v[i] && v[i] != '\r' && i + 1 < size) {
            dst[i] = v[i];
            ++i;
        }
    }
    dst[i] = '\0';
}

/* Is the whole message in buf? 0 incomplete, -1 malformed, else its
 * length; *hdr_len is the header block's length (with CRLFCRLF),
 * *chunked and *clen what frames the body. */
static long message_length(const char *buf, size_t len, int no_body,
                           size_t *hdr_len)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    const char *te, *cl, *p;
    size_t h;
    char tmp[64];

    if (!end) {
        return len > 65536 ? -1 : 0;
    }
    h = (size_t)(end - buf) + 4;
    *hdr_len = h;
    if (no_body) {
        return (long)h;
    }
    /* search headers in a NUL-terminated copy */
    {
        char *copy = malloc(h + 1);
        long ret;
        if (!copy) {
            return -1;
        }
        memcpy(copy, buf, h);
        copy[h] = '\0';
        te = memmem_ci_hdr(copy, "Transfer-Encoding");
        cl = memmem_ci_hdr(copy, "Content-Length");
        if (te && !strncasecmp(te, "chunked", 7)) {
            /* walk the chunks */
            size_t off = h;
            for (;;) {
                const char *crlf = memmem(buf + off, len - off, "\r\n", 2);
                unsigned long sz;
                char *e;
                if (!crlf) {
                    ret = 0;
                    break;
                }
                sz = strtoul(buf + off, &e, 16);
                if (e == buf + off) {
                    ret = -1;
                    break;
                }
                off = (size_t)(crlf - buf) + 2;
                if (sz == 0) {
                    /* trailers: none expected, the final CRLF */
                    const char *fin = memmem(buf + off, len - off, "\r\n", 2);
                    if (!fin) {
                        ret = 0;
                        break;
                    }
                    if (fin != buf + off) {
                        ret = -1;  /* a trailer: not expected here */
                        break;
                    }
                    ret = (long)(off + 2);
                    break;
                }
                if (len < off + sz + 2) {
                    ret = 0;
                    break;
                }
                off += sz;
                if (memcmp(buf + off, "\r\n", 2)) {
                    ret = -1;
                    break;
                }
                off += 2;
            }
        }
        else if (cl) {
            copy_hdr(tmp, sizeof(tmp), cl);
            p = tmp;
            ret = (long)(h + strtoul(p, NULL, 10));
            if ((size_t)ret > len) {
                ret = 0;
            }
        }
        else {
            /* neither: only a connection close would end it; we never
             * expect that from httpd for HTTP/1.1 */
            ret = -1;
        }
        free(copy);
        return ret;
    }
}

/* The body of a chunked message, decoded in place after the header. */
static size_t dechunk(char *buf, size_t hdr_len, size_t msg_len)
{
    size_t in = hdr_len, out = hdr_len;
    for (;;) {
        char *e;
        unsigned long sz = strtoul(buf + in, &e, 16);
        char *crlf = memmem(buf + in, msg_len - in, "\r\n", 2);
        in = (size_t)(crlf - buf) + 2;
        if (!sz) {
            break;
        }
        memmove(buf + out, buf + in, sz);
        out += sz;
        in += sz + 2;
    }
    return out - hdr_len;
}

/* ------------------------------------------------------------------ cookies */

static int name_is(const char *line, const char *name)
{
    size_t n = strlen(name);
    return !strncmp(line, name, n) && line[n] == '=';
}

static unsigned tracking_bit(const char *line)
{
    if (name_is(line, "mautic_device_id")) return T_DEVICE;
    if (name_is(line, "mtc_id")) return T_MTC;
    if (name_is(line, "mautic_referer_id")) return T_REFERER;
    if (name_is(line, "mtc_sid")) return T_SID;
    if (!strncmp(line, "mautic_page_", 12)) {
        const char *p = line + 12;
        if (isdigit((unsigned char)*p)) {
            while (isdigit((unsigned char)*p)) ++p;
            if (*p == '=') return T_PAGE;
        }
    }
    return 0;
}

static const char *attr(const char *line, const char *name)
{
    /* the value of attribute `name` (case-insensitive) in a Set-Cookie line */
    size_t n = strlen(name);
    const char *p = strchr(line, ';');
    while (p) {
        ++p;
        while (*p == ' ') ++p;
        if (!strncasecmp(p, name, n) && p[n] == '=') {
            return p + n + 1;
        }
        p = strchr(p, ';');
    }
    return NULL;
}

static int is_deletion(const char *line)
{
    const char *v = attr(line, "max-age");
    if (v) {
        return atol(v) <= 0;
    }
    v = attr(line, "expires");
    if (v) {
        /* "Thu, 01 Jan 1970 00:00:00 GMT" or "Thu, 01-Jan-1970 ..." */
        int i, year = 0;
        for (i = 0; v[i] && v[i] != ';'; ++i) {
            if (isdigit((unsigned char)v[i]) && isdigit((unsigned char)v[i + 1])
                && isdigit((unsigned char)v[i + 2]) && isdigit((unsigned char)v[i + 3])) {
                year = atoi(v + i);
                break;
            }
        }
        return year && year < 2000;
    }
    return 0;
}

/* mautic_consent=cg1.<cats>.<secs>.<rev>.<rid>: 1 and the parts when
 * well formed */
static int parse_consent(const char *line, char *cats, size_t cats_size,
                         long long *secs, char *rid, char *value, size_t vsize)
{
    const char *v = line + strlen("mautic_consent="), *p, *dot;
    size_t n;
    int i;

    n = strcspn(v, ";");
    if (n + 1 > vsize) return 0;
    memcpy(value, v, n);
    value[n] = '\0';
    if (strncmp(value, "cg1.", 4)) return 0;
    p = value + 4;
    dot = strchr(p, '.');
    if (!dot || (size_t)(dot - p) + 1 > cats_size) return 0;
    memcpy(cats, p, (size_t)(dot - p));
    cats[dot - p] = '\0';
    p = dot + 1;
    *secs = strtoll(p, (char **)&dot, 10);
    if (dot == p || *dot != '.') return 0;
    p = dot + 1;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) ++p;
    if (*p != '.') return 0;
    ++p;
    for (i = 0; i < 32; ++i) {
        if (!isxdigit((unsigned char)p[i]) || isupper((unsigned char)p[i])) return 0;
        rid[i] = p[i];
    }
    rid[32] = '\0';
    return p[32] == '\0';
}

/* ------------------------------------------------------------------ requests */

static const char *app_path(enum route r, char *buf, size_t size)
{
    unsigned n = rnd_below(100000);
    switch (r) {
    case R_LANDING: return "/landing";
    case R_MTRACKING: snprintf(buf, size, "/mtracking.gif?page=%%2Fp%u", n % 50); return buf;
    case R_REDIRECT_CT: snprintf(buf, size, "/r/%u?ct=YToxOntzOjU6ImVtYWlsIjtpOjQyO30", n % 97); return buf;
    case R_REDIRECT: snprintf(buf, size, "/r/%u", n % 97); return buf;
    case R_ASSET: snprintf(buf, size, "/asset/%u:whitepaper.pdf", n % 13); return buf;
    case R_FORM: return "/form/submit?formId=3";
    case R_EMAIL_GIF: snprintf(buf, size, "/email/%x%x.gif", n, n * 7919u); return buf;
    case R_FOCUS: snprintf(buf, size, "/focus/%u/viewpixel.gif", n % 9 + 1); return buf;
    case R_LANDING_AB: return "/landing-ab";
    case R_UNSUBSCRIBE: snprintf(buf, size, "/email/unsubscribe/%x%x", n, n * 31u); return buf;
    default: return "/";
    }
}

static int route_status(enum route r)
{
    return (r == R_REDIRECT_CT || r == R_REDIRECT || r == R_FORM) ? 302 : 200;
}

/* the tracking cookies the backend sets for this request */
static unsigned route_sets(enum route r, int carries)
{
    unsigned dev = carries ? 0 : (T_DEVICE | T_MTC);
    switch (r) {
    case R_LANDING: case R_MTRACKING: case R_REDIRECT_CT: case R_EMAIL_GIF:
    case R_FOCUS:
        return dev | T_REFERER;
    case R_LANDING_AB: return dev | T_REFERER | T_PAGE;
    case R_ASSET: case R_FORM: return dev;
    case R_UNSUBSCRIBE: return dev | T_REFERER;
    default: return 0;
    }
}

static void random_rid(char *rid)
{
    static const char hex[] = "0123456789abcdef";
    int i;
    for (i = 0; i < 32; ++i) rid[i] = hex[rnd_below(16)];
    rid[32] = '\0';
}

/* the Cookie header value for a state ("" for none) and the signals */
static void consent_cookie(struct conn *c, enum state s, char *out, size_t size,
                           const char **signal)
{
    static const char *const words[] = { "yes", "true", "granted", "YES", "True", "GRANTED" };
    static const char *const zeros[] = { "0", "no", "false", "denied" };
    static const char *const garbage[] = { "maybe", "2", "cg1", "cg2.tracking.1.0.x", "%31", "" };
    char rid[33];
    long long t = (long long)time(NULL);

    *signal = NULL;
    switch (s) {
    case S_PLAIN: snprintf(out, size, "mautic_consent=1"); break;
    case S_WORD: snprintf(out, size, "mautic_consent=%s", words[rnd_below(6)]); break;
    case S_GRANT: snprintf(out, size, "mautic_consent=%s", c->grant); break;
    case S_NONE: out[0] = '\0'; break;
    case S_ZERO: snprintf(out, size, "mautic_consent=%s", zeros[rnd_below(4)]); break;
    case S_REFUSED:
        if (c->refusal[0]) {
            snprintf(out, size, "mautic_consent=%s", c->refusal);
        }
        else {
            random_rid(rid);
            snprintf(out, size, "mautic_consent=cg1..%lld.0.%s", t, rid);
        }
        break;
    case S_GPC:
    case S_DNT:
        if (rnd_below(2)) {
            snprintf(out, size, "mautic_consent=%s", c->grant);
        }
        else {
            snprintf(out, size, "mautic_consent=1");
        }
        *signal = s == S_GPC ? "Sec-GPC: 1\r\n" : "DNT: 1\r\n";
        break;
    case S_STALE:
        random_rid(rid);
        /* older than ConsentMaxAge (180 days), or an hour in the future */
        snprintf(out, size, "mautic_consent=cg1.tracking.%lld.0.%s",
                 rnd_below(2) ? t - 200LL * 86400 : t + 3600, rid);
        break;
    case S_GARBAGE:
        snprintf(out, size, "mautic_consent=%s", garbage[rnd_below(6)]);
        break;
    default: out[0] = '\0';
    }
}

static void build(struct conn *c)
{
    struct request *q = &c->req;
    char path[256], pbuf[200], cookie[400], consent[160], body[256];
    const char *method = "GET", *signal = NULL, *extra = "", *ctype = NULL;
    const char *ua = UA_BASE;
    char uabuf[200];
    int n;

    body[0] = '\0';
    cookie[0] = '\0';
    snprintf(uabuf, sizeof(uabuf), "%s soak/%d", UA_BASE, c->id);
    ua = uabuf;

    switch (q->kind) {
    case K_PAGE:
    case K_PXS:
        snprintf(path, sizeof(path), "/%s/%s", q->kind == K_PAGE ? "pages" : "pxs",
                 page_name[q->page]);
        break;
    case K_APP:
    case K_PX:
    case K_CGI:
        snprintf(path, sizeof(path), "/%s%s",
                 q->kind == K_APP ? "app" : q->kind == K_PX ? "px" : "cgi",
                 app_path(q->route, pbuf, sizeof(pbuf)));
        if (q->route == R_FORM) {
            method = "POST";
            ctype = "application/x-www-form-urlencoded";
            snprintf(body, sizeof(body), "mauticform%%5Bemail%%5D=a%u%%40example.org&mauticform%%5BformId%%5D=3",
                     rnd_below(1000));
        }
        break;
    case K_PIXEL:
        if (rnd_below(3)) {
            snprintf(path, sizeof(path), "/consentgate/pixel.gif?u=%%2Fpages%%2F%s",
                     page_name[rnd_below(NPAGES)]);
        }
        else {
            snprintf(path, sizeof(path), "/consentgate/pixel.gif");
            extra = "Referer: http://127.0.0.1/pages/head.html?utm=soak\r\n";
        }
        break;
    case K_PIXEL_SKIP:
        snprintf(path, sizeof(path), "/consentgate/pixel.gif?u=%%2Fbot");
        switch (rnd_below(3)) {
        case 0: ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"; break;
        case 1: ua = ""; break;
        default: extra = "Sec-Purpose: prefetch\r\n"; break;
        }
        break;
    case K_BANNER:
        snprintf(path, sizeof(path), "/consentgate/banner.js");
        break;
    case K_GRANT: case K_GRANT_ORIGIN: case K_REFUSE: case K_GRANT_FORM:
    case K_GRANT_GPC: case K_XSITE:
        snprintf(path, sizeof(path), "/consentgate/consent");
        method = "POST";
        if (q->kind == K_GRANT_FORM) {
            ctype = "application/x-www-form-urlencoded";
            snprintf(body, sizeof(body), "categories=tracking&return_to=%%2Fpages%%2Fhead.html");
        }
        else {
            ctype = "application/json";
            snprintf(body, sizeof(body), "{\"categories\":[%s]}",
                     q->kind == K_REFUSE ? "" : "\"tracking\"");
        }
        break;
    case K_FORGET_GET:
    case K_FORGET_POST:
        snprintf(path, sizeof(path), "/consentgate/forget");
        if (q->kind == K_FORGET_POST) {
            method = "POST";
            ctype = "application/x-www-form-urlencoded";
            snprintf(body, sizeof(body), "why=soak");
        }
        break;
    case K_STATUS:
        snprintf(path, sizeof(path), "/consentgate/status?format=json");
        break;
    case K_GPCJSON:
        snprintf(path, sizeof(path), "/consentgate/gpc.json");
        break;
    case K_H_CONSENT:
        snprintf(path, sizeof(path), "/consentgate/consent");
        method = "POST";
        ctype = "application/json";
        snprintf(body, sizeof(body), "{\"categories\":[\"tracking\"]}");
        break;
    case K_H_FORGET:
        snprintf(path, sizeof(path), "/consentgate/forget");
        method = "POST";
        ctype = "application/x-www-form-urlencoded";
        snprintf(body, sizeof(body), "why=flood");
        break;
    case K_H_PIXEL:
        /* a new page every time: it must never get a slot of its own */
        snprintf(path, sizeof(path), "/consentgate/pixel.gif?u=%%2Frandom-junk-%llu",
                 st.hostile_pixel_sent);
        ua = "Mozilla/5.0 (X11; Linux x86_64) flood/1.0";
        break;
    default:
        die("internal: kind %d", q->kind);
    }

    /* the Cookie header: the consent state, ids the visitor holds, others */
    consent_cookie(c, q->state, consent, sizeof(consent), &signal);
    if (q->kind >= K_GRANT && q->kind <= K_XSITE) {
        signal = q->kind == K_GRANT_GPC ? "Sec-GPC: 1\r\n" : NULL;
    }
    if (q->kind == K_PIXEL || q->kind == K_PIXEL_SKIP || q->kind == K_STATUS
        || q->kind == K_GPCJSON || q->kind == K_BANNER) {
        signal = NULL;
    }
    n = 0;
    if (consent[0]) {
        n += snprintf(cookie + n, sizeof(cookie) - n, "%s", consent);
    }
    if (q->carries) {
        n += snprintf(cookie + n, sizeof(cookie) - n, "%smautic_device_id=%s; mtc_id=42",
                      n ? "; " : "", c->device);
    }
    if (rnd_below(5) == 0) {
        n += snprintf(cookie + n, sizeof(cookie) - n, "%s" SESSION_NAME "=s%d; shop_pref=blue",
                      n ? "; " : "", c->id);
    }

    q->gpc = signal && !strncmp(signal, "Sec-GPC", 7);
    q->dnt = signal && !strncmp(signal, "DNT", 3);
    snprintf(q->line, sizeof(q->line), "%s %s", method, path);
    n = snprintf(c->wbuf, sizeof(c->wbuf),
                 "%s %s HTTP/1.1\r\n"
                 "Host: 127.0.0.1:%d\r\n"
                 "%s%s%s"
                 "Accept-Language: %s\r\n"
                 "%s%s%s"
                 "%s%s",
                 method, path, port,
                 *ua ? "User-Agent: " : "", ua, *ua ? "\r\n" : "",
                 (c->id % 3) ? "en-GB,en;q=0.8" : "de-DE,de;q=0.9,en;q=0.5",
                 cookie[0] ? "Cookie: " : "", cookie, cookie[0] ? "\r\n" : "",
                 signal ? signal : "", extra);
    n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n, "X-Forwarded-For: %s\r\n",
                  kind_hostile(q->kind) ? HOSTILE_ADDR : q->addr);
    if (q->kind == K_FORGET_POST || q->kind == K_H_CONSENT || q->kind == K_H_FORGET) {
        /* the banner's fetch() comes from the site itself; the attacker
         * forges the same */
        n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n,
                      "Sec-Fetch-Site: same-origin\r\n");
    }
    if (q->kind >= K_GRANT && q->kind <= K_XSITE) {
        if (q->kind == K_GRANT_ORIGIN) {
            n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n,
                          "Origin: http://127.0.0.1:%d\r\n", port);
        }
        else if (q->kind == K_XSITE) {
            n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n,
                          "Sec-Fetch-Site: cross-site\r\nOrigin: https://evil.example\r\n");
        }
        else {
            n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n,
                          "Sec-Fetch-Site: same-origin\r\n");
        }
    }
    if (ctype) {
        n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n,
                      "Content-Type: %s\r\nContent-Length: %zu\r\n", ctype, strlen(body));
    }
    n += snprintf(c->wbuf + n, sizeof(c->wbuf) - n, "\r\n%s", body);
    if ((size_t)n >= sizeof(c->wbuf)) {
        die("internal: request too long");
    }
    c->wlen = (size_t)n;
    c->woff = 0;
}

static void choose(struct conn *c)
{
    struct request *q = &c->req;

    memset(q, 0, sizeof(*q));
    if (!c->grant[0]) {
        /* a new visitor consents first: it needs a cg1 value to send */
        q->kind = K_GRANT;
    }
    else {
        q->kind = (enum kind)pick(kind_weight, K_NKINDS);
    }
    q->route = (enum route)pick(route_weight, R_NROUTES);
    q->state = (enum state)pick(state_weight, S_NSTATES);
    q->page = (int)rnd_below(NPAGES);
    q->carries = rnd_below(100) < 35;
    if (q->kind == K_FORGET_GET || q->kind == K_FORGET_POST) {
        q->carries = rnd_below(100) < 70;
    }
    if (kind_hostile(q->kind)) {
        /* a flood sends no cookie, but a consent to withdraw at forget
         * (which writes a receipt while within the rate) */
        q->state = q->kind == K_H_FORGET ? S_PLAIN : S_NONE;
        q->carries = 0;
    }
    else {
        unsigned k = rnd_below(LEGIT_NETS);
        snprintf(q->addr, sizeof(q->addr), "%u.%u.0.1", 20 + k / 256, k % 256);
    }
    if (q->kind == K_STATUS) {
        q->views_floor = status_max_views;
        q->pixels_done = (long long)st.pixel_counted_ok;
    }
}

/* ------------------------------------------------------------------ oracle */

static int count_occurrences(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    int count = 0;
    const char *p = hay, *end = hay + len;
    while (p < end && (p = memmem(p, (size_t)(end - p), needle, n))) {
        ++count;
        p += n;
    }
    return count;
}

static void check_injected(struct conn *c, const struct response *r)
{
    int tags = count_occurrences(r->body, r->body_len, TAG);
    int marks = count_occurrences(r->body, r->body_len, MARKER);
    const char *orig = page_data[c->req.page];
    size_t olen = page_len[c->req.page];

    if (strncasecmp(r->ctype, "text/html", 9)) {
        fail(c, F_INJECT, r, "Content-Type '%s', not text/html", r->ctype);
        return;
    }
    /* a fragment (no document around it) gets no tag: it may end up
     * inside another page */
    if (!strcmp(page_name[c->req.page], "bare.html")) {
        if (tags || r->body_len != olen || memcmp(r->body, orig, olen)) {
            fail(c, F_INJECT, r, "a fragment was changed (%d tags, %zu bytes, file %zu)",
                 tags, r->body_len, olen);
            return;
        }
        st.injected_ok++;
        return;
    }
    if (tags != 1 || marks != 1) {
        fail(c, F_INJECT, r, "the banner tag appears %d times (the banner URL %d times), want once",
             tags, marks);
        return;
    }
    /* the page, less the one tag we expect was inserted, is the file */
    if (count_occurrences(orig, olen, TAG) == 1) {
        if (r->body_len != olen || memcmp(r->body, orig, olen)) {
            fail(c, F_INJECT, r, "a page that loads the banner itself was changed (%zu bytes, file %zu)",
                 r->body_len, olen);
            return;
        }
    }
    else {
        const char *at = memmem(r->body, r->body_len, TAG, strlen(TAG));
        size_t pre = (size_t)(at - r->body), tl = strlen(TAG);
        if (r->body_len != olen + tl || memcmp(r->body, orig, pre)
            || memcmp(at + tl, orig + pre, olen - pre)) {
            fail(c, F_INJECT, r, "the page is not the file plus one tag (%zu bytes, file %zu)",
                 r->body_len, olen);
            return;
        }
    }
    st.injected_ok++;
}

static int recording_hostile;   /* record_rid() is for the attacker */

static void record_rid(const char *rid, const char *action, int gpc, int dnt)
{
    fprintf(rids_f, "%s\t%s\t%s\t%s\t%s\n", rid, action, gpc ? "true" : "false",
            dnt ? "true" : "false", recording_hostile ? "hostile" : "visitor");
}

/* the consent cookie a consent or forget response sets */
static int check_consent_cookie(struct conn *c, const struct response *r,
                                int want_grant, const char *action)
{
    char cats[64], rid[33], value[128];
    long long secs, t = (long long)time(NULL);
    int i, found = 0;

    for (i = 0; i < r->ncookies; ++i) {
        if (!name_is(r->cookies[i], "mautic_consent")) {
            continue;
        }
        if (found++) {
            fail(c, F_CONSENT, r, "two consent cookies");
            return 0;
        }
        if (!parse_consent(r->cookies[i], cats, sizeof(cats), &secs, rid, value, sizeof(value))) {
            fail(c, F_CONSENT, r, "malformed consent cookie '%s'", r->cookies[i]);
            return 0;
        }
        if (strcmp(cats, want_grant ? "tracking" : "")) {
            fail(c, F_CONSENT, r, "consent cookie with categories '%s'", cats);
            return 0;
        }
        if (secs < t - 600 || secs > t + 600) {
            fail(c, F_CONSENT, r, "consent cookie stamped %lld, now is %lld", secs, t);
            return 0;
        }
        if (!attr(r->cookies[i], "Max-Age") || atol(attr(r->cookies[i], "Max-Age")) <= 0) {
            fail(c, F_CONSENT, r, "consent cookie without a lifetime: '%s'", r->cookies[i]);
            return 0;
        }
        if (action) {
            record_rid(rid, action, c->req.gpc, c->req.dnt);
        }
        if (want_grant) {
            snprintf(c->grant, sizeof(c->grant), "%s", value);
        }
        else {
            snprintf(c->refusal, sizeof(c->refusal), "%s", value);
        }
    }
    if (!found) {
        fail(c, F_CONSENT, r, "no consent cookie");
        return 0;
    }
    return 1;
}

/* Set-Cookie lines of a gated response: what may and must be there */
static void check_gated(struct conn *c, const struct response *r,
                        unsigned backend_sets, int session_always, int revoke)
{
    const struct request *q = &c->req;
    int effective = state_grants(q->state) && !revoke;
    unsigned set = 0, deleted = 0;
    int i, session = 0, consent_lines = 0;

    for (i = 0; i < r->ncookies; ++i) {
        const char *line = r->cookies[i];
        unsigned bit = tracking_bit(line);
        if (bit) {
            if (is_deletion(line)) {
                deleted |= bit;
            }
            else {
                set |= bit;
            }
        }
        else if (name_is(line, SESSION_NAME)) {
            session = 1;
        }
        else if (name_is(line, "mautic_consent")) {
            consent_lines++;
        }
    }
    if (!effective && set) {
        fail(c, F_LEAK, r, "tracking cookie(s) 0x%x reached a visitor without effective consent", set);
        return;
    }
    if (effective && set != backend_sets) {
        fail(c, set & ~backend_sets ? F_LEAK : F_MISSING, r,
             "consented: tracking cookies 0x%x arrived, the backend set 0x%x", set, backend_sets);
        return;
    }
    if (session_always && !session) {
        fail(c, F_SESSION, r, "the necessary session cookie was removed");
        return;
    }
    if (revoke) {
        /* the unsubscribe link expires what the visitor holds, and a
         * consent becomes a refusal */
        if (q->carries && (deleted & (T_DEVICE | T_MTC)) != (T_DEVICE | T_MTC)) {
            fail(c, F_DELETION, r, "the revocation path did not expire the held tracking cookies");
            return;
        }
        if (state_grants(q->state) || q->state == S_GPC || q->state == S_DNT) {
            if (consent_lines != 1) {
                fail(c, F_CONSENT, r, "a consent on the revocation path was not turned into a refusal");
                return;
            }
            for (i = 0; i < r->ncookies; ++i) {
                char cats[64], rid[33], value[128];
                long long secs;
                if (!name_is(r->cookies[i], "mautic_consent")) {
                    continue;
                }
                if (!parse_consent(r->cookies[i], cats, sizeof(cats), &secs, rid, value, sizeof(value))
                    || cats[0]) {
                    fail(c, F_CONSENT, r, "bad refusal on the revocation path: '%s'", r->cookies[i]);
                    return;
                }
                /* the withdrawal is recorded like a forget's */
                record_rid(rid, "revoke", q->gpc, q->dnt);
                st.revoke_receipts++;
            }
        }
    }
    else if (consent_lines) {
        fail(c, F_UNEXPECTED_CONSENT, r, "a consent cookie on a plain page");
        return;
    }
    if (effective) {
        if (set) st.tracking_delivered++;
    }
    else if (backend_sets) {
        st.tracking_withheld++;
    }
    st.ok++;
}

static long long views_sum(const char *body, size_t len)
{
    /* the sum of "views" over "days" (so a day boundary changes nothing) */
    const char *d = memmem(body, len, "\"days\"", 6), *end, *p;
    long long sum = 0;
    if (!d) return -1;
    end = strchr(d, ']');
    if (!end) return -1;
    for (p = d; (p = strstr(p, "\"views\"")) && p < end; p += 7) {
        const char *v = p + 7;
        while (*v == ':' || *v == ' ') ++v;
        sum += atoll(v);
    }
    return sum;
}

static void check(struct conn *c, struct response *r)
{
    struct request *q = &c->req;
    int i;

    for (i = 0; i < r->ncookies; ++i) {
        if (!*r->cookies[i] || *r->cookies[i] == '\r') {
            fail(c, F_EMPTY, r, "an empty Set-Cookie line");
            return;
        }
    }
    if (r->status >= 500) {
        fail(c, F_5XX, r, "status %d", r->status);
        return;
    }

    switch (q->kind) {
    case K_PAGE:
    case K_PXS:
        if (r->status != 200) break;
        check_injected(c, r);
        check_gated(c, r, T_DEVICE | T_MTC | T_REFERER, 1, 0);
        return;
    case K_APP: case K_PX: case K_CGI:
        if (r->status != route_status(q->route)) break;
        /* the backend sees the ids only where consent lets them through */
        check_gated(c, r, route_sets(q->route, q->carries && state_grants(q->state)
                                     && q->route != R_UNSUBSCRIBE),
                    q->route == R_FORM || q->route == R_UNSUBSCRIBE,
                    q->route == R_UNSUBSCRIBE);
        return;
    case K_PIXEL:
    case K_PIXEL_SKIP:
        if (r->status != 200) break;
        if (r->ncookies) {
            fail(c, F_PIXEL, r, "the pixel set a cookie: '%s'", r->cookies[0]);
            return;
        }
        if (strncmp(r->ctype, "image/gif", 9) || r->body_len != 43
            || memcmp(r->body, "GIF89a", 6)) {
            fail(c, F_PIXEL, r, "not the 43-byte GIF (%s, %zu bytes)", r->ctype, r->body_len);
            return;
        }
        if (q->kind == K_PIXEL) st.pixel_counted_ok++;
        else st.pixel_skipped_ok++;
        st.ok++;
        return;
    case K_BANNER:
        if (r->status != 200) break;
        if (!strstr(r->ctype, "javascript") || r->body_len < 200) {
            fail(c, F_BANNER, r, "banner.js: %s, %zu bytes", r->ctype, r->body_len);
            return;
        }
        for (i = 0; i < r->ncookies; ++i) {
            if (tracking_bit(r->cookies[i]) && !is_deletion(r->cookies[i])) {
                fail(c, F_LEAK, r, "banner.js set a tracking cookie");
                return;
            }
        }
        st.ok++;
        return;
    case K_GRANT: case K_GRANT_ORIGIN: case K_GRANT_GPC:
        if (r->status != 204) break;
        if (check_consent_cookie(c, r, 1, "grant")) {
            st.consent_ok++;
            st.ok++;
        }
        return;
    case K_REFUSE:
        if (r->status != 204) break;
        if (check_consent_cookie(c, r, 0, "refuse")) {
            st.consent_ok++;
            st.ok++;
        }
        return;
    case K_GRANT_FORM:
        if (r->status != 303) break;
        if (!strstr(r->location, "/pages/head.html")) {
            fail(c, F_LOCATION, r, "303 to '%s'", r->location);
            return;
        }
        if (check_consent_cookie(c, r, 1, "grant")) {
            st.consent_ok++;
            st.ok++;
        }
        return;
    case K_XSITE:
        if (r->status != 403) break;
        for (i = 0; i < r->ncookies; ++i) {
            if (name_is(r->cookies[i], "mautic_consent")) {
                fail(c, F_CONSENT, r, "a cross-site POST set the consent cookie");
                return;
            }
        }
        st.xsite_refused++;
        st.ok++;
        return;
    case K_FORGET_GET:
    case K_FORGET_POST: {
        unsigned deleted = 0, set = 0;
        if (r->status != 204) break;
        for (i = 0; i < r->ncookies; ++i) {
            unsigned bit = tracking_bit(r->cookies[i]);
            if (bit && is_deletion(r->cookies[i])) deleted |= bit;
            else if (bit) set |= bit;
        }
        if (set) {
            fail(c, F_LEAK, r, "forget set tracking cookie(s) 0x%x", set);
            return;
        }
        if (q->carries && (deleted & (T_DEVICE | T_MTC)) != (T_DEVICE | T_MTC)) {
            fail(c, F_DELETION, r, "forget did not expire the held tracking cookies (0x%x)", deleted);
            return;
        }
        /* a receipt only when there was a consent to withdraw */
        if (check_consent_cookie(c, r, 0, state_holds_consent(q->state)
                                          ? "revoke" : NULL)) {
            st.forget_ok++;
            st.forget_receipts += state_holds_consent(q->state);
            st.ok++;
        }
        return;
    }
    case K_STATUS: {
        long long views;
        if (r->status != 200) break;
        views = views_sum(r->body, r->body_len);
        if (views < 0 || strncmp(r->ctype, "application/json", 16)) {
            fail(c, F_STATUS_JSON, r, "status is not the JSON counts (%s)", r->ctype);
            return;
        }
        if (views < q->views_floor) {
            fail(c, F_COUNTER, r, "the pixel views went back from %lld to %lld",
                 q->views_floor, views);
            return;
        }
        if (views_base >= 0) {
            /* every counted pixel answered before this status was sent is
             * in it (the view is counted before the GIF goes out), and no
             * more than were sent by the time it is answered */
            if (views - views_base < q->pixels_done) {
                fail(c, F_COUNTER, r, "%lld views counted, but %lld counted pixels were answered before",
                     views - views_base, q->pixels_done);
                return;
            }
            if (views - views_base > (long long)(st.pixel_counted_sent + st.hostile_pixel_sent)) {
                fail(c, F_COUNTER, r, "%lld views counted, only %llu counted pixels sent (%llu of them the attacker's)",
                     views - views_base, st.pixel_counted_sent + st.hostile_pixel_sent,
                     st.hostile_pixel_sent);
                return;
            }
        }
        if (views > status_max_views) status_max_views = views;
        st.status_checks++;
        st.ok++;
        return;
    }
    case K_H_CONSENT: {
        /* 204 with a grant while within ConsentReceiptRate, then 429
         * without one; 403 would be a stricter module, also fine */
        char keep[sizeof(c->grant)];
        int granted = 0;
        for (i = 0; i < r->ncookies; ++i) {
            if (name_is(r->cookies[i], "mautic_consent")
                && strncmp(r->cookies[i], "mautic_consent=cg1..", 20)) {
                granted = 1;
            }
        }
        if (r->status == 204) {
            /* the visitor behind this connection keeps its own grant */
            memcpy(keep, c->grant, sizeof(keep));
            recording_hostile = 1;
            if (check_consent_cookie(c, r, 1, "grant")) {
                st.hostile_granted++;
                st.ok++;
            }
            recording_hostile = 0;
            memcpy(c->grant, keep, sizeof(keep));
            return;
        }
        if (r->status != 429 && r->status != 403) break;
        if (granted) {
            fail(c, F_CONSENT, r, "a consent cookie with a %d", r->status);
            return;
        }
        if (r->status == 429) st.hostile_limited++;
        else st.hostile_refused++;
        st.ok++;
        return;
    }
    case K_H_FORGET: {
        /* a withdrawal always takes effect (a receipt only within the
         * rate, which the client cannot see: the end check bounds them) */
        char keep[sizeof(c->refusal)];
        if (r->status == 204) {
            for (i = 0; i < r->ncookies; ++i) {
                if (tracking_bit(r->cookies[i]) && !is_deletion(r->cookies[i])) {
                    fail(c, F_LEAK, r, "forget set a tracking cookie");
                    return;
                }
            }
            memcpy(keep, c->refusal, sizeof(keep));
            recording_hostile = 1;
            if (check_consent_cookie(c, r, 0, "revoke")) {
                st.hostile_forget_ok++;
                st.ok++;
            }
            recording_hostile = 0;
            memcpy(c->refusal, keep, sizeof(keep));
            return;
        }
        if (r->status != 429 && r->status != 403) break;
        for (i = 0; i < r->ncookies; ++i) {
            if (name_is(r->cookies[i], "mautic_consent")
                && strncmp(r->cookies[i], "mautic_consent=cg1..", 20)) {
                fail(c, F_CONSENT, r, "forget granted a consent");
                return;
            }
        }
        st.hostile_forget_refused++;
        st.ok++;
        return;
    }
    case K_H_PIXEL:
        /* the GIF, counted or not (the end check bounds the views) */
        if (r->status != 200) break;
        if (r->ncookies || strncmp(r->ctype, "image/gif", 9) || r->body_len != 43) {
            fail(c, F_PIXEL, r, "not the 43-byte GIF without cookies (%s, %zu bytes)",
                 r->ctype, r->body_len);
            return;
        }
        st.hostile_pixel_ok++;
        st.ok++;
        return;
    case K_GPCJSON:
        if (r->status != 200) break;
        if (!memmem(r->body, r->body_len, "\"gpc\": true", 11)) {
            fail(c, F_GPCJSON, r, "gpc.json does not say gpc true");
            return;
        }
        st.ok++;
        return;
    default:
        break;
    }
    fail(c, F_STATUS, r, "unexpected status %d", r->status);
}

/* ------------------------------------------------------------------ I/O */

static void set_events(struct conn *c, uint32_t ev, int add)
{
    struct epoll_event e;
    e.events = ev;
    e.data.ptr = c;
    if (epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd, &e) < 0) {
        die("epoll_ctl: %s", strerror(errno));
    }
}

static void close_conn(struct conn *c)
{
    if (c->fd >= 0) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->phase = 0;
    c->served = 0;
    c->rlen = 0;
}

static void start_next(struct conn *c);
static void send_request(struct conn *c);

static void open_conn(struct conn *c)
{
    int one = 1;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        die("socket: %s", strerror(errno));
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    st.connects++;
    c->served = 0;
    c->rlen = 0;
    c->last_io = now();
    c->conn_err = 0;
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) {
        /* reported from the event loop, not from here: no recursion */
        c->conn_err = errno;
    }
    c->phase = 1;
    set_events(c, EPOLLOUT, 1);
}

/* The request is over (answered or lost): account for it, go on. */
static void finish(struct conn *c)
{
    c->busy = 0;
    st.completed++;
    if (c->req.failed) {
        st.failed++;
    }
    if (!stop) {
        start_next(c);
    }
}

static void lose(struct conn *c, int reason, const char *what, int err)
{
    /* a connection the server closed while our request was on its way:
     * nothing came back, and it had served before (keep-alive); send it
     * again once on a new connection */
    if (!c->req.retried && c->rlen == 0 && c->served > 0
        && (reason == L_EOF || reason == L_RESET)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(retry_f, "%.3f\t%s\t%s\t%s\t%d\n", ts.tv_sec + ts.tv_nsec / 1e9,
                reason == L_EOF ? "eof" : "reset", kind_name[c->req.kind], c->req.line,
                c->served);
        c->req.retried = 1;
        st.retries++;
        close_conn(c);
        c->woff = 0;            /* all of it again */
        open_conn(c);
        return;
    }
    st.lost++;
    fail(c, reason, NULL, "%s%s%s (%zu response bytes, %d earlier responses on the connection)",
         what, err ? ": " : "", err ? strerror(err) : "", c->rlen, c->served);
    close_conn(c);
    finish(c);
}

static void send_request(struct conn *c)
{
    while (c->woff < c->wlen) {
        ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN) {
                c->phase = 2;
                set_events(c, EPOLLOUT, 0);
                return;
            }
            lose(c, (errno == EPIPE || errno == ECONNRESET) ? L_RESET : L_RESET,
                 "send", errno);
            return;
        }
        c->woff += (size_t)n;
        c->last_io = now();
    }
    c->phase = 3;
    c->rlen = 0;
    set_events(c, EPOLLIN, 0);
}

static void start_next(struct conn *c)
{
    if (st.issued >= total) {
        close_conn(c);
        return;
    }
    st.issued++;
    c->busy = 1;
    choose(c);
    build(c);
    st.by_kind[c->req.kind]++;
    st.by_state[c->req.state]++;
    if (c->req.kind == K_PIXEL) st.pixel_counted_sent++;
    if (c->req.kind == K_H_PIXEL) st.hostile_pixel_sent++;
    c->req.sent_at = now();
    if (c->fd >= 0) {
        /* did the server close this idle connection? look before reusing */
        char b;
        ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            st.idle_closed++;
            close_conn(c);
        }
        else if (n > 0) {
            fail(c, F_BAD, NULL, "the server sent data on an idle connection");
            close_conn(c);
        }
    }
    if (c->fd < 0) {
        open_conn(c);
        return;
    }
    c->last_io = now();
    send_request(c);
}

static void on_response(struct conn *c, size_t hdr_len, size_t msg_len)
{
    struct response r;
    char *head, *lines;
    const char *p, *te;
    int chunked = 0;

    memset(&r, 0, sizeof(r));
    head = malloc(hdr_len + 1);
    if (!head) die("out of memory");
    memcpy(head, c->rbuf, hdr_len);
    head[hdr_len] = '\0';
    r.head = head;
    if (strncmp(head, "HTTP/1.1 ", 9) || !isdigit((unsigned char)head[9])) {
        fail(c, F_BAD, &r, "not an HTTP/1.1 status line");
        free(head);
        close_conn(c);
        finish(c);
        return;
    }
    r.status = atoi(head + 9);
    te = memmem_ci_hdr(head, "Transfer-Encoding");
    chunked = te && !strncasecmp(te, "chunked", 7);
    r.body = c->rbuf + hdr_len;
    r.body_len = msg_len - hdr_len;
    if (chunked) {
        r.body_len = dechunk(c->rbuf, hdr_len, msg_len);
    }
    p = memmem_ci_hdr(head, "Connection");
    r.conn_close = p && !strncasecmp(p, "close", 5);
    copy_hdr(r.ctype, sizeof(r.ctype), memmem_ci_hdr(head, "Content-Type"));
    copy_hdr(r.location, sizeof(r.location), memmem_ci_hdr(head, "Location"));
    /* every Set-Cookie line, from a copy cut into NUL-terminated lines */
    lines = malloc(hdr_len + 1);
    if (!lines) die("out of memory");
    memcpy(lines, head, hdr_len + 1);
    for (p = lines; *p; ) {
        char *eol = strstr(p, "\r\n");
        if (!eol) break;
        *eol = '\0';
        if (!strncasecmp(p, "Set-Cookie:", 11) && r.ncookies < MAX_COOKIES) {
            const char *v = p + 11;
            while (*v == ' ' || *v == '\t') ++v;
            r.cookies[r.ncookies++] = v;
        }
        p = eol + 2;
    }
    check(c, &r);
    free(lines);
    free(head);
    c->served++;
    /* nothing may follow the response: we do not pipeline */
    if (c->rlen > msg_len) {
        fail(c, F_BAD, NULL, "%zu bytes after the response", c->rlen - msg_len);
        close_conn(c);
    }
    else if (r.conn_close) {
        st.server_closes++;
        close_conn(c);
    }
    c->rlen = 0;
    finish(c);
}

static void on_readable(struct conn *c)
{
    for (;;) {
        ssize_t n;
        long len;
        size_t hdr_len = 0;

        if (c->rcap - c->rlen < 16384) {
            size_t cap = c->rcap ? c->rcap * 2 : 65536;
            if (cap > (8u << 20)) {
                lose(c, L_PARTIAL, "response too large", 0);
                return;
            }
            c->rbuf = realloc(c->rbuf, cap);
            if (!c->rbuf) die("out of memory");
            c->rcap = cap;
        }
        n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
        if (n < 0) {
            if (errno == EAGAIN) return;
            if (errno == EINTR) continue;
            lose(c, c->rlen ? L_PARTIAL : L_RESET, "recv", errno);
            return;
        }
        if (n == 0) {
            lose(c, c->rlen ? L_PARTIAL : L_EOF, "the server closed the connection without a complete response", 0);
            return;
        }
        c->rlen += (size_t)n;
        c->last_io = now();
        {
            int no_body = 0;
            /* 204, 304 and 1xx have no body */
            if (c->rlen >= 12 && (!memcmp(c->rbuf + 9, "204", 3) || !memcmp(c->rbuf + 9, "304", 3))) {
                no_body = 1;
            }
            len = message_length(c->rbuf, c->rlen, no_body, &hdr_len);
        }
        if (len < 0) {
            fail(c, F_BAD, NULL, "malformed response");
            close_conn(c);
            finish(c);
            return;
        }
        if (len > 0) {
            on_response(c, hdr_len, (size_t)len);
            return;
        }
    }
}

static void on_event(struct conn *c, uint32_t ev)
{
    if (c->phase == 1) {
        int err = 0;
        socklen_t l = sizeof(err);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (!err && c->conn_err) {
            err = c->conn_err;
        }
        if (!err && (ev & (EPOLLERR | EPOLLHUP))) {
            err = ECONNREFUSED;
        }
        if (err) {
            st.lost++;
            fail(c, L_CONNECT, NULL, "connect: %s", strerror(err));
            close_conn(c);
            finish(c);
            return;
        }
        c->phase = 2;
        send_request(c);
        return;
    }
    if (c->phase == 2) {
        if (ev & (EPOLLERR | EPOLLHUP)) {
            lose(c, L_RESET, "the connection failed while sending", 0);
            return;
        }
        send_request(c);
        return;
    }
    if (c->phase == 3) {
        on_readable(c);
    }
}

/* ------------------------------------------------------------------ main */

static void load_pages(const char *dir)
{
    int i;
    for (i = 0; i < NPAGES; ++i) {
        char path[4096];
        FILE *f;
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", dir, page_name[i]);
        f = fopen(path, "rb");
        if (!f || fstat(fileno(f), &sb) < 0) die("cannot read %s", path);
        page_len[i] = (size_t)sb.st_size;
        page_data[i] = malloc(page_len[i] + 1);
        if (!page_data[i] || fread(page_data[i], 1, page_len[i], f) != page_len[i]) {
            die("cannot read %s", path);
        }
        fclose(f);
    }
}

static void write_progress(const char *path)
{
    char buf[32];
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    int n = snprintf(buf, sizeof(buf), "%20llu\n", st.completed);
    if (fd >= 0) {
        if (pwrite(fd, buf, (size_t)n, 0) < 0) { /* best effort */ }
        close(fd);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* -m page=10,pixel=5: only these kinds, with these weights */
static void set_mix(const char *spec)
{
    char *copy = strdup(spec), *item, *save;
    int k;

    memset(kind_weight, 0, sizeof(kind_weight));
    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq) *eq = '\0';
        for (k = 0; k < K_NKINDS && strcmp(kind_name[k], item); ++k) {}
        if (k == K_NKINDS) die("-m: unknown kind '%s'", item);
        kind_weight[k] = eq ? atoi(eq + 1) : 1;
    }
    free(copy);
    for (k = 0; k < K_NKINDS && !kind_weight[k]; ++k) {}
    if (k == K_NKINDS) die("-m: no weights");
}

static void usage(void)
{
    fprintf(stderr,
            "usage: soakclient -p PORT -P PAGEDIR -o OUTDIR [-n REQUESTS] [-c CONNS]\n"
            "                  [-s SEED] [-t TIMEOUT] [-V VIEWS_AT_START] [-m KIND=WEIGHT,...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct conn *conns;
    struct epoll_event evs[256];
    const char *pagedir = NULL;
    char path[4096], progress[4096];
    double last_report, last_progress, t_end;
    unsigned long long last_completed = 0;
    int opt, i, k;
    FILE *sf;

    while ((opt = getopt(argc, argv, "p:P:o:n:c:s:t:V:m:")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'P': pagedir = optarg; break;
        case 'o': outdir = optarg; break;
        case 'n': total = strtoull(optarg, NULL, 10); break;
        case 'c': nconns = atoi(optarg); break;
        case 's': rng = strtoull(optarg, NULL, 0) * 0x9e3779b97f4a7c15ull + 1; break;
        case 't': timeout_s = atoi(optarg); break;
        case 'V': views_base = atoll(optarg); break;
        case 'm': set_mix(optarg); break;
        default: usage();
        }
    }
    if (port <= 0 || !pagedir || !outdir || total == 0 || nconns <= 0 || nconns > 4096) {
        usage();
    }
    load_pages(pagedir);
    snprintf(path, sizeof(path), "%s/rids.tsv", outdir);
    if (!(rids_f = fopen(path, "w"))) die("cannot write %s", path);
    snprintf(path, sizeof(path), "%s/failures.log", outdir);
    if (!(fail_f = fopen(path, "w"))) die("cannot write %s", path);
    snprintf(path, sizeof(path), "%s/retries.tsv", outdir);
    if (!(retry_f = fopen(path, "w"))) die("cannot write %s", path);
    setvbuf(retry_f, NULL, _IOLBF, 0);
    snprintf(progress, sizeof(progress), "%s/progress", outdir);

    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1: %s", strerror(errno));
    conns = calloc((size_t)nconns, sizeof(*conns));
    if (!conns) die("out of memory");

    t0 = now();
    epoch_first = (long long)time(NULL);
    last_report = last_progress = t0;
    for (i = 0; i < nconns; ++i) {
        struct conn *c = &conns[i];
        static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
        c->id = i;
        c->fd = -1;
        for (k = 0; k < 23; ++k) c->device[k] = chars[rnd_below(36)];
        c->device[23] = '\0';
        start_next(c);
    }

    fprintf(stderr, "soak: %llu requests over %d keep-alive connections to 127.0.0.1:%d\n",
            total, nconns, port);
    while (st.completed < st.issued || (!stop && st.issued < total)) {
        int n = epoll_wait(epfd, evs, 256, 100);
        double t;
        if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
        for (i = 0; i < n; ++i) {
            on_event(evs[i].data.ptr, evs[i].events);
        }
        t = now();
        if (t - last_progress >= 0.1) {
            write_progress(progress);
            last_progress = t;
            /* timeouts */
            for (i = 0; i < nconns; ++i) {
                struct conn *c = &conns[i];
                if (c->busy && c->fd >= 0 && t - c->last_io > timeout_s) {
                    st.lost++;
                    fail(c, L_TIMEOUT, NULL, "no answer in %d s (%zu bytes so far)", timeout_s, c->rlen);
                    close_conn(c);
                    finish(c);
                }
            }
        }
        if (t - last_report >= 5) {
            fprintf(stderr, "soak: %9llu/%llu  %6.0f req/s (last 5 s %6.0f)  failed %llu  retried %llu\n",
                    st.completed, total, st.completed / (t - t0),
                    (st.completed - last_completed) / (t - last_report), st.failed, st.retries);
            last_completed = st.completed;
            last_report = t;
        }
        if (stop && st.completed >= st.issued) break;
    }
    t_end = now();
    write_progress(progress);
    fclose(rids_f);
    fclose(fail_f);
    fclose(retry_f);

    snprintf(path, sizeof(path), "%s/client.env", outdir);
    if (!(sf = fopen(path, "w"))) die("cannot write %s", path);
    fprintf(sf, "requests=%llu\nseconds=%.1f\nrate=%.0f\nok=%llu\nfailed=%llu\nlost=%llu\n"
            "retries=%llu\nidle_closed=%llu\nserver_closes=%llu\nconnects=%llu\n"
            "consent_ok=%llu\nforget_ok=%llu\nforget_receipts=%llu\nrevoke_receipts=%llu\n"
            "xsite_refused=%llu\n"
            "pixel_counted_ok=%llu\npixel_counted_sent=%llu\npixel_skipped_ok=%llu\n"
            "injected_ok=%llu\ntracking_delivered=%llu\ntracking_withheld=%llu\n"
            "status_checks=%llu\ninterrupted=%d\n"
            "hostile_granted=%llu\nhostile_refused=%llu\nhostile_limited=%llu\n"
            "hostile_forget_ok=%llu\nhostile_forget_refused=%llu\n"
            "hostile_pixel_sent=%llu\nhostile_pixel_ok=%llu\n"
            "epoch_first=%lld\nepoch_last=%lld\n",
            st.completed, t_end - t0, st.completed / (t_end - t0), st.ok, st.failed,
            st.lost, st.retries, st.idle_closed, st.server_closes, st.connects,
            st.consent_ok, st.forget_ok, st.forget_receipts, st.revoke_receipts, st.xsite_refused,
            st.pixel_counted_ok, st.pixel_counted_sent, st.pixel_skipped_ok,
            st.injected_ok, st.tracking_delivered, st.tracking_withheld,
            st.status_checks, stop ? 1 : 0,
            st.hostile_granted, st.hostile_refused, st.hostile_limited,
            st.hostile_forget_ok, st.hostile_forget_refused,
            st.hostile_pixel_sent, st.hostile_pixel_ok,
            epoch_first, (long long)time(NULL));
    for (k = 0; fail_name[k]; ++k) {
        if (st.fail_reason[k]) {
            const char *p;
            fputs("fail_", sf);
            for (p = fail_name[k]; *p; ++p) fputc(*p == '-' ? '_' : *p, sf);
            fprintf(sf, "=%llu\n", st.fail_reason[k]);
        }
    }
    fclose(sf);

    fprintf(stderr, "soak: client: %llu requests in %.1f s (%.0f req/s), %llu passed, %llu failed "
            "(%llu lost), %llu retried after a keep-alive close\n",
            st.completed, t_end - t0, st.completed / (t_end - t0), st.ok, st.failed,
            st.lost, st.retries);
    fprintf(stderr, "soak: mix:");
    for (k = 0; k < K_NKINDS; ++k) fprintf(stderr, " %s=%llu", kind_name[k], st.by_kind[k]);
    fprintf(stderr, "\nsoak: states:");
    for (k = 0; k < S_NSTATES; ++k) fprintf(stderr, " %s=%llu", state_name[k], st.by_state[k]);
    fprintf(stderr, "\nsoak: oracle: tracking cookies delivered to %llu consented requests, withheld "
            "from %llu others; %llu injected pages intact; %llu consents, %llu forgets, %llu "
            "cross-site refusals; %llu counted pixels; %llu status reads\n",
            st.tracking_delivered, st.tracking_withheld, st.injected_ok, st.consent_ok,
            st.forget_ok, st.xsite_refused, st.pixel_counted_ok, st.status_checks);
    if (st.failed) {
        fprintf(stderr, "soak: failures by kind:");
        for (k = 0; fail_name[k]; ++k) {
            if (st.fail_reason[k]) fprintf(stderr, " %s=%llu", fail_name[k], st.fail_reason[k]);
        }
        fprintf(stderr, " (details: %s/failures.log)\n", outdir);
    }
    return st.failed || stop ? 1 : 0;
}
