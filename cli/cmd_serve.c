/* SPDX-License-Identifier: MIT */
/* cmd_serve.c: bmdsim serve DIR: a read-only HTTP/1.1 server of one directory on the loopback
 * interface, for opening a report whose globe needs http rather than file:// (docs/serve.md).
 * One thread, non-blocking sockets and poll(): GET and HEAD of regular files under DIR, nothing
 * else. Paths are checked twice: the request's path text (no "..", ".", empty or hidden segment,
 * no encoded slash or NUL) and the file's real path (realpath, inside DIR's real path). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim serve DIR [--port N] [--bind 127.0.0.1|::1] [--port-file FILE]\n"
    "                        [--timeout-s T] [--verbose]\n"
    "\n"
    "Serves the files of DIR (a report written by bmdsim run SCENARIO --out DIR) over HTTP on\n"
    "the loopback interface only, read-only, until SIGINT (Ctrl-C) or SIGTERM, then exits 0.\n"
    "Prints \"serving DIR at http://127.0.0.1:PORT/report.html\" on stderr.\n"
    "\n"
    "  --port N          TCP port, default 8000; 0 picks a free one (printed, and written\n"
    "                    to --port-file)\n"
    "  --bind ADDR       127.0.0.1 (the default; any 127.x.y.z) or ::1; any other address is\n"
    "                    refused: the server is for this machine's browser only\n"
    "  --port-file FILE  write the port, one line, to FILE once the server listens\n"
    "  --timeout-s T     close a connection that sends no complete request, or takes no\n"
    "                    data, for T seconds (default 10)\n"
    "  --verbose         one line per request on stderr\n"
    "\n"
    "GET and HEAD only (405 otherwise); no path outside DIR (no \"..\", no encoded slash, no\n"
    "symbolic link that leads out of DIR), no hidden file (a name starting with \".\"), no\n"
    "directory listing (a directory serves its index.html; \"/\" falls back to report.html).\n"
    "Requests must name this machine in their Host header. Every answer is sent with\n"
    "Cache-Control: no-store and X-Content-Type-Options: nosniff. See docs/serve.md.\n";

enum {
    HEAD_MAX = 16384,   /* request line and headers, bytes */
    TARGET_MAX = 4096,  /* request target, bytes */
    OUT_BUF = 65536,    /* file bytes sent per write */
    MAX_CONNS = 64,     /* open connections; further ones wait in the listen queue */
};

enum conn_state { ST_READ, ST_WRITE, ST_DRAIN };

typedef struct conn {
    int fd;
    enum conn_state st;
    char in[HEAD_MAX];
    size_t in_len;
    char out[OUT_BUF];
    size_t out_off, out_len;
    int file_fd;           /* -1 when no body is left to send */
    off_t file_left;       /* body bytes still to read from file_fd */
    size_t req_len;        /* bytes of c->in taken by the request being answered */
    bool keep_alive;       /* read the next request after this answer */
    bool peer_done;        /* the client has closed its side: answer what is read, then close */
    double deadline_s;     /* monotonic time at which the connection is closed */
} conn;

typedef struct server {
    char root[PATH_MAX]; /* real path of DIR */
    size_t root_len;
    double timeout_s;
    bool verbose;
    conn *conns[MAX_CONNS];
    int n_conns;
} server;

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The Content-Type of a file from its name's extension; application/octet-stream when unknown. */
static const char *content_type(const char *path)
{
    static const char *const table[][2] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"map", "application/json"},
        {"czml", "application/json"},
        {"geojson", "application/geo+json"},
        {"kml", "application/vnd.google-earth.kml+xml"},
        {"csv", "text/csv; charset=utf-8"},
        {"txt", "text/plain; charset=utf-8"},
        {"md", "text/plain; charset=utf-8"},
        {"xml", "application/xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"ico", "image/x-icon"},
        {"svg", "image/svg+xml"},
        {"ktx2", "image/ktx2"},
        {"wasm", "application/wasm"},
        {"glb", "model/gltf-binary"},
        {"gltf", "model/gltf+json"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
    };
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (strcasecmp(dot + 1, table[i][0]) == 0)
                return table[i][1];
    return "application/octet-stream";
}

static const char *reason_phrase(int code)
{
    switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Whether a real path lies in the served tree: the root itself or below it. */
static bool inside_root(const server *s, const char *real)
{
    if (s->root_len == 1) /* the root is "/" */
        return real[0] == '/';
    return strncmp(real, s->root, s->root_len) == 0 &&
           (real[s->root_len] == '\0' || real[s->root_len] == '/');
}

/* Resolve a request target (origin form) to an open regular file under the root. Returns 200
 * with *fd and *size set, or the status to answer: 400 for a target that no file name can have
 * (not starting with "/", a bad or NUL escape, an encoded "/" or "\", an empty, "." or ".."
 * segment), 404 for a hidden name, a missing file, a directory without index, or a file whose
 * real path is outside the root. *ctype gets the Content-Type. */
static int resolve(const server *s, const char *target, int *fd, off_t *size, const char **ctype)
{
    if (target[0] != '/')
        return 400;
    char rel[TARGET_MAX + 1];
    size_t n = 0;
    for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
        char c = *p;
        if (c == '%') {
            int hi = hex_value(p[1]);
            int lo = hi < 0 ? -1 : hex_value(p[2]);
            if (lo < 0)
                return 400;
            c = (char)(hi * 16 + lo);
            p += 2;
            if (c == '\0' || c == '/' || c == '\\')
                return 400;
        } else if (c == '\\') {
            return 400;
        }
        if (n >= TARGET_MAX)
            return 400;
        rel[n++] = c;
    }
    rel[n] = '\0';
    /* Segments: "/a/b", "/a/" (a directory); "//", "/./", "/../" are refused as text. */
    bool dir_request = rel[n - 1] == '/';
    for (const char *seg = rel + 1; *seg;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0)
            return 400;
        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return 400;
        if (seg[0] == '.')
            return 404;
        if (!end)
            break;
        seg = end + 1;
    }
    char full[PATH_MAX + 32];
    if (s->root_len + n + 16 >= sizeof full)
        return 404;
    int k = snprintf(full, sizeof full, "%s%s", s->root_len == 1 ? "" : s->root, rel);
    if (k < 0 || (size_t)k >= sizeof full)
        return 404;
    char real[PATH_MAX];
    if (!realpath(full, real) || !inside_root(s, real))
        return 404;
    struct stat sb;
    if (stat(real, &sb) != 0)
        return 404;
    if (S_ISDIR(sb.st_mode)) {
        if (!dir_request)
            return 404;
        /* A directory serves its index.html; the root falls back to the report. */
        const char *names[] = {"index.html", "report.html"};
        int n_names = strcmp(rel, "/") == 0 ? 2 : 1;
        int found = 0;
        for (int i = 0; i < n_names && !found; i++) {
            char cand[PATH_MAX + 32];
            snprintf(cand, sizeof cand, "%s/%s", real, names[i]);
            if (realpath(cand, full) && inside_root(s, full) && stat(full, &sb) == 0 &&
                S_ISREG(sb.st_mode))
                found = 1;
        }
        if (!found || strlen(full) >= sizeof real)
            return 404;
        memcpy(real, full, strlen(full) + 1);
    } else if (dir_request) {
        return 404;
    }
    if (!S_ISREG(sb.st_mode))
        return 404;
    int f = open(real, O_RDONLY | O_NOFOLLOW);
    if (f < 0)
        return 404;
    if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(f);
        return 404;
    }
    *fd = f;
    *size = sb.st_size;
    *ctype = content_type(real);
    return 200;
}

/* Whether a Host header value names this machine (a loopback address or localhost, with an
 * optional port): a page on another site that rebinds its name to 127.0.0.1 sends its own
 * name and is refused. */
static bool host_is_loopback(const char *v, size_t len)
{
    char h[256];
    if (len == 0 || len >= sizeof h)
        return false;
    memcpy(h, v, len);
    h[len] = '\0';
    char *port = NULL;
    if (h[0] == '[') {
        char *close_br = strchr(h, ']');
        if (!close_br)
            return false;
        *close_br = '\0';
        if (close_br[1] == ':')
            port = close_br + 2;
        else if (close_br[1] != '\0')
            return false;
        struct in6_addr a6;
        if (inet_pton(AF_INET6, h + 1, &a6) != 1 || !IN6_IS_ADDR_LOOPBACK(&a6))
            return false;
    } else {
        char *colon = strchr(h, ':');
        if (colon) {
            *colon = '\0';
            port = colon + 1;
        }
        struct in_addr a4;
        if (strcasecmp(h, "localhost") != 0 &&
            (inet_pton(AF_INET, h, &a4) != 1 || (ntohl(a4.s_addr) >> 24) != 127))
            return false;
    }
    if (port)
        for (const char *p = port; *p; p++)
            if (*p < '0' || *p > '9')
                return false;
    return true;
}

/* Queue a status line and headers; the body (if any) follows from c->file_fd. */
static void queue_head(conn *c, int code, const char *ctype, off_t length, const char *extra)
{
    int k = snprintf(c->out, sizeof c->out,
                     "HTTP/1.1 %d %s\r\n"
                     "Server: bmdsim\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %lld\r\n"
                     "Cache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "%s"
                     "Connection: %s\r\n"
                     "\r\n",
                     code, reason_phrase(code), ctype, (long long)length, extra ? extra : "",
                     c->keep_alive ? "keep-alive" : "close");
    c->out_off = 0;
    c->out_len = (size_t)k;
}

/* Queue an error answer with a one-line text body; the connection closes after it. */
static void queue_error(conn *c, int code, bool head_only)
{
    char body[96];
    int k = snprintf(body, sizeof body, "%d %s\n", code, reason_phrase(code));
    c->keep_alive = false;
    c->file_fd = -1;
    c->file_left = 0;
    queue_head(c, code, "text/plain; charset=utf-8", k,
               code == 405 ? "Allow: GET, HEAD\r\n" : NULL);
    if (!head_only && c->out_len + (size_t)k < sizeof c->out) {
        memcpy(c->out + c->out_len, body, (size_t)k);
        c->out_len += (size_t)k;
    }
}

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* Find the end of the request head (the empty line) in c->in; 0 while incomplete. */
static size_t head_end(const conn *c)
{
    for (size_t i = 0; i + 1 < c->in_len; i++) {
        if (c->in[i] == '\n' && c->in[i + 1] == '\n')
            return i + 2;
        if (i + 3 < c->in_len && c->in[i] == '\r' && c->in[i + 1] == '\n' &&
            c->in[i + 2] == '\r' && c->in[i + 3] == '\n')
            return i + 4;
    }
    return 0;
}

/* Parse the complete request head c->in[0, len) and queue the answer. */
static void handle_request(server *s, conn *c, size_t len)
{
    char *line = c->in;
    char *eol = memchr(line, '\n', len);
    size_t line_len = (size_t)(eol - line);
    if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;
    c->keep_alive = false;
    c->file_fd = -1;
    c->file_left = 0;
    /* Request line: METHOD SP TARGET SP HTTP/1.x */
    char method[16], target[TARGET_MAX + 1], version[16];
    size_t i = 0, m = 0;
    while (i < line_len && is_tchar(line[i]) && m + 1 < sizeof method)
        method[m++] = line[i++];
    method[m] = '\0';
    if (m == 0 || i >= line_len || line[i] != ' ') {
        queue_error(c, 400, false);
        return;
    }
    i++;
    size_t t = 0;
    while (i < line_len && line[i] > ' ' && line[i] < 0x7f) {
        if (t >= TARGET_MAX) {
            queue_error(c, 414, false);
            return;
        }
        target[t++] = line[i++];
    }
    target[t] = '\0';
    if (t == 0 || i >= line_len || line[i] != ' ') {
        queue_error(c, 400, false);
        return;
    }
    i++;
    size_t v = 0;
    while (i < line_len && v + 1 < sizeof version)
        version[v++] = line[i++];
    version[v] = '\0';
    if (i != line_len || strncmp(version, "HTTP/", 5) != 0) {
        queue_error(c, 400, false);
        return;
    }
    bool http11 = strcmp(version, "HTTP/1.1") == 0;
    if (!http11 && strcmp(version, "HTTP/1.0") != 0) {
        queue_error(c, 505, false);
        return;
    }
    bool head_only = strcmp(method, "HEAD") == 0;
    /* Headers: Host (required in HTTP/1.1, must be this machine), Connection, and whether a
     * body follows (it is never read: the connection closes after the answer). */
    bool keep_alive = http11, has_host = false, has_body = false;
    char *p = eol + 1;
    char *end = c->in + len;
    while (p < end) {
        char *e = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)(e - p);
        if (l > 0 && p[l - 1] == '\r')
            l--;
        if (l == 0)
            break;
        char *colon = memchr(p, ':', l);
        if (!colon || colon == p || p[0] == ' ' || p[0] == '\t') {
            queue_error(c, 400, head_only);
            return;
        }
        for (char *q = p; q < colon; q++)
            if (!is_tchar(*q)) {
                queue_error(c, 400, head_only);
                return;
            }
        size_t name_len = (size_t)(colon - p);
        char *val = colon + 1;
        char *val_end = p + l;
        while (val < val_end && (*val == ' ' || *val == '\t'))
            val++;
        while (val_end > val && (val_end[-1] == ' ' || val_end[-1] == '\t'))
            val_end--;
        size_t val_len = (size_t)(val_end - val);
        if (name_len == 4 && strncasecmp(p, "Host", 4) == 0) {
            if (has_host || !host_is_loopback(val, val_len)) {
                queue_error(c, 400, head_only);
                return;
            }
            has_host = true;
        } else if (name_len == 10 && strncasecmp(p, "Connection", 10) == 0) {
            if (val_len == 5 && strncasecmp(val, "close", 5) == 0)
                keep_alive = false;
            else if (val_len == 10 && strncasecmp(val, "keep-alive", 10) == 0)
                keep_alive = true;
        } else if (name_len == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
            if (!(val_len == 1 && val[0] == '0'))
                has_body = true;
        } else if (name_len == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
            has_body = true;
        }
        p = e + 1;
    }
    if (http11 && !has_host) {
        queue_error(c, 400, head_only);
        return;
    }
    if (!head_only && strcmp(method, "GET") != 0) {
        queue_error(c, 405, false);
        if (s->verbose)
            fprintf(stderr, "bmdsim: serve: %s %s 405\n", method, target);
        return;
    }
    int fd = -1;
    off_t size = 0;
    const char *ctype = NULL;
    int code = resolve(s, target, &fd, &size, &ctype);
    if (s->verbose)
        fprintf(stderr, "bmdsim: serve: %s %s %d\n", method, target, code);
    if (code != 200) {
        queue_error(c, code, head_only);
        return;
    }
    c->keep_alive = keep_alive && !has_body;
    queue_head(c, 200, ctype, size, NULL);
    if (head_only || size == 0) {
        close(fd);
    } else {
        c->file_fd = fd;
        c->file_left = size;
    }
}

static void conn_close(server *s, int k)
{
    conn *c = s->conns[k];
    if (c->file_fd >= 0)
        close(c->file_fd);
    close(c->fd);
    free(c);
    s->conns[k] = s->conns[--s->n_conns];
}

/* After an answer: the next request on a kept-alive connection (maybe already received), or a
 * lingering close (stop sending, discard what the client still sends, for at most a second) so
 * that unread request bytes do not reset the connection before the client reads the answer. */
static void conn_answered(server *s, conn *c)
{
    if (c->keep_alive) {
        memmove(c->in, c->in + c->req_len, c->in_len - c->req_len);
        c->in_len -= c->req_len;
        c->req_len = 0;
        c->st = ST_READ;
        c->deadline_s = now_s() + s->timeout_s;
    } else {
        shutdown(c->fd, SHUT_WR);
        c->st = ST_DRAIN;
        c->deadline_s = now_s() + (s->timeout_s < 1.0 ? s->timeout_s : 1.0);
    }
}

/* Try to answer from what has been read: returns true when an answer was queued. */
static bool try_parse(server *s, conn *c)
{
    size_t len = head_end(c);
    if (len == 0) {
        if (c->in_len < sizeof c->in)
            return false;
        /* The head does not fit: a request line too long for any file here, or too many
         * headers. */
        bool line_done = memchr(c->in, '\n', c->in_len) != NULL;
        queue_error(c, line_done ? 431 : 414, false);
        c->req_len = c->in_len;
        return true;
    }
    handle_request(s, c, len);
    c->req_len = len;
    if (c->peer_done)
        c->keep_alive = false;
    return true;
}

/* Send what is queued; refill from the file. Returns false when the connection must close. */
static bool conn_write(server *s, conn *c)
{
    for (;;) {
        if (c->out_off == c->out_len) {
            c->out_off = 0;
            c->out_len = 0;
        }
        /* Fill the buffer from the file behind what is queued (the head, on the first pass), so
         * that the head and the first bytes go out in one send: a small head sent alone, then
         * the body, waits on the client's delayed acknowledgement (about 40 ms an answer). */
        if (c->out_off == 0 && c->out_len < sizeof c->out && c->file_fd >= 0 &&
            c->file_left > 0) {
            size_t room = sizeof c->out - c->out_len;
            size_t want = c->file_left < (off_t)room ? (size_t)c->file_left : room;
            ssize_t r = read(c->file_fd, c->out + c->out_len, want);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) /* the file shrank or failed: the length sent cannot be kept */
                return false;
            c->out_len += (size_t)r;
            c->file_left -= r;
        }
        if (c->out_off == c->out_len) {
            if (c->file_fd >= 0) {
                close(c->file_fd);
                c->file_fd = -1;
            }
            conn_answered(s, c);
            return true;
        }
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return true;
            if (errno == EINTR)
                continue;
            return false;
        }
        c->out_off += (size_t)w;
        c->deadline_s = now_s() + s->timeout_s;
    }
}

static int serve_loop(server *s, int lfd)
{
    struct pollfd pfd[MAX_CONNS + 1];
    while (!stop_requested) {
        int n = 0;
        pfd[n].fd = lfd;
        pfd[n].events = s->n_conns < MAX_CONNS ? POLLIN : 0;
        pfd[n].revents = 0;
        n++;
        double t = now_s(), next = t + 1.0;
        for (int k = 0; k < s->n_conns; k++) {
            conn *c = s->conns[k];
            pfd[n].fd = c->fd;
            pfd[n].events = c->st == ST_WRITE ? POLLOUT : POLLIN;
            pfd[n].revents = 0;
            n++;
            if (c->deadline_s < next)
                next = c->deadline_s;
        }
        int wait_ms = next <= t ? 0 : (int)((next - t) * 1000.0) + 1;
        int r = poll(pfd, (nfds_t)n, wait_ms);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            cli_error("serve", "poll: %s", strerror(errno));
            return EXIT_INTERNAL;
        }
        /* Existing connections first (indices match pfd[1..] as built above). */
        int n_before = s->n_conns;
        bool gone[MAX_CONNS] = {false};
        t = now_s();
        for (int k = 0; k < n_before; k++) {
            conn *c = s->conns[k];
            short ev = pfd[k + 1].revents;
            bool ok = true;
            if (c->st == ST_READ && !c->peer_done && c->in_len < sizeof c->in &&
                (ev & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t got = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
                if (got > 0)
                    c->in_len += (size_t)got;
                else if (got == 0)
                    c->peer_done = true;
                else if (errno != EAGAIN && errno != EINTR)
                    ok = false;
            } else if (c->st == ST_DRAIN && (ev & (POLLIN | POLLHUP | POLLERR))) {
                char sink[4096];
                ssize_t got = recv(c->fd, sink, sizeof sink, 0);
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
                    ok = false;
            } else if (c->st == ST_WRITE && (ev & (POLLERR | POLLHUP))) {
                ok = false;
            }
            /* Answer every complete request the buffer holds, writing as far as the socket
             * takes. */
            while (ok && c->st == ST_READ) {
                if (!try_parse(s, c)) {
                    if (c->peer_done) /* closed with no complete request left */
                        ok = false;
                    break;
                }
                c->st = ST_WRITE;
                c->deadline_s = t + s->timeout_s;
                ok = conn_write(s, c);
            }
            if (ok && c->st == ST_WRITE && (ev & POLLOUT))
                ok = conn_write(s, c);
            if (ok && t >= c->deadline_s)
                ok = false;
            gone[k] = !ok;
        }
        for (int k = n_before - 1; k >= 0; k--)
            if (gone[k])
                conn_close(s, k);
        if (pfd[0].revents & POLLIN) {
            while (s->n_conns < MAX_CONNS) {
                int fd = accept(lfd, NULL, NULL);
                if (fd < 0)
                    break;
                int fl = fcntl(fd, F_GETFL);
                conn *c = fl < 0 ? NULL : calloc(1, sizeof *c);
                if (!c || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
                    free(c);
                    close(fd);
                    continue;
                }
                /* Each answer is queued whole before it is sent: no need to hold back its
                 * last segment until the previous one is acknowledged (Nagle). */
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                c->fd = fd;
                c->file_fd = -1;
                c->st = ST_READ;
                c->deadline_s = now_s() + s->timeout_s;
                s->conns[s->n_conns++] = c;
            }
        }
    }
    return EXIT_OK;
}

/* Parse --bind: a loopback address only. Fills the socket address (port set later). */
static bool parse_bind(const char *C, const char *text, struct sockaddr_storage *ss,
                       socklen_t *ss_len)
{
    memset(ss, 0, sizeof *ss);
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, text, &a4) == 1) {
        if ((ntohl(a4.s_addr) >> 24) != 127) {
            cli_error(C, "--bind: \"%s\" is not a loopback address: the server answers this "
                         "machine only (127.0.0.1 or ::1)", text);
            return false;
        }
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_addr = a4;
        *ss_len = sizeof *sin;
        return true;
    }
    if (inet_pton(AF_INET6, text, &a6) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&a6)) {
            cli_error(C, "--bind: \"%s\" is not a loopback address: the server answers this "
                         "machine only (127.0.0.1 or ::1)", text);
            return false;
        }
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = a6;
        *ss_len = sizeof *sin6;
        return true;
    }
    cli_error(C, "--bind: \"%s\": expected a loopback IP address, 127.0.0.1 or ::1", text);
    return false;
}

int cmd_serve(int argc, char **argv)
{
    static const char *C = "serve";
    opts o;
    int begun = opts_begin(&o, C, spec_serve, argc, argv, help);
    if (begun >= 0)
        return begun;
    if (o.n_pos != 1) {
        cli_error(C, "expected one DIR, the directory to serve (see bmdsim serve --help)");
        return EXIT_USAGE;
    }
    const char *dir = o.pos[0];
    double port_d = 8000.0;
    if (opt_has(&o, "port") && !parse_double(C, "port", opt_get(&o, "port"), &port_d))
        return EXIT_USAGE;
    if (!(port_d >= 0.0 && port_d <= 65535.0) || port_d != (double)(long)port_d) {
        cli_error(C, "--port: \"%s\": expected an integer from 0 to 65535", opt_get(&o, "port"));
        return EXIT_USAGE;
    }
    double timeout_s = 10.0;
    if (opt_has(&o, "timeout-s") &&
        !parse_double(C, "timeout-s", opt_get(&o, "timeout-s"), &timeout_s))
        return EXIT_USAGE;
    if (!(timeout_s > 0.0 && timeout_s <= 3600.0)) {
        cli_error(C, "--timeout-s: \"%s\": expected seconds in (0, 3600]",
                  opt_get(&o, "timeout-s"));
        return EXIT_USAGE;
    }
    const char *bind_text = opt_has(&o, "bind") ? opt_get(&o, "bind") : "127.0.0.1";
    struct sockaddr_storage ss;
    socklen_t ss_len = 0;
    if (!parse_bind(C, bind_text, &ss, &ss_len))
        return EXIT_USAGE;

    server *s = calloc(1, sizeof *s);
    if (!s) {
        cli_error(C, "out of memory");
        return EXIT_INTERNAL;
    }
    s->timeout_s = timeout_s;
    s->verbose = opt_has(&o, "verbose");
    struct stat sb;
    const char *why = NULL;
    if (stat(dir, &sb) != 0)
        why = strerror(errno);
    else if (!S_ISDIR(sb.st_mode))
        why = "not a directory";
    else if (!realpath(dir, s->root))
        why = strerror(errno);
    if (why) {
        cli_error(C, "%s: %s (expected the directory to serve)", dir, why);
        free(s);
        return EXIT_USAGE;
    }
    s->root_len = strlen(s->root);

    int lfd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (lfd < 0) {
        cli_error(C, "socket: %s", strerror(errno));
        free(s);
        return EXIT_INTERNAL;
    }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET6)
        setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    uint16_t port = (uint16_t)port_d;
    if (ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&ss)->sin_port = htons(port);
    else
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
    if (bind(lfd, (struct sockaddr *)&ss, ss_len) != 0 || listen(lfd, 64) != 0) {
        int e = errno;
        cli_error(C, "cannot listen on %s port %u: %s", bind_text, (unsigned)port, strerror(e));
        close(lfd);
        free(s);
        return e == EADDRINUSE || e == EACCES ? EXIT_USAGE : EXIT_INTERNAL;
    }
    struct sockaddr_storage got;
    socklen_t got_len = sizeof got;
    if (getsockname(lfd, (struct sockaddr *)&got, &got_len) == 0)
        port = ntohs(got.ss_family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                              : ((struct sockaddr_in6 *)&got)->sin6_port);
    int fl = fcntl(lfd, F_GETFL);
    if (fl < 0 || fcntl(lfd, F_SETFL, fl | O_NONBLOCK) != 0) {
        cli_error(C, "fcntl: %s", strerror(errno));
        close(lfd);
        free(s);
        return EXIT_INTERNAL;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (opt_has(&o, "port-file")) {
        char text[16];
        int k = snprintf(text, sizeof text, "%u\n", (unsigned)port);
        if (!write_file_atomic(C, opt_get(&o, "port-file"), text, (size_t)k)) {
            close(lfd);
            free(s);
            return EXIT_USAGE;
        }
    }
    bool v6 = ss.ss_family == AF_INET6;
    fprintf(stderr, "serving %s at http://%s%s%s:%u/report.html\n", dir, v6 ? "[" : "",
            bind_text, v6 ? "]" : "", (unsigned)port);
    fflush(stderr);

    int rc = serve_loop(s, lfd);
    while (s->n_conns > 0)
        conn_close(s, s->n_conns - 1);
    close(lfd);
    free(s);
    if (rc == EXIT_OK)
        fprintf(stderr, "bmdsim: serve: stopped\n");
    return rc;
}
