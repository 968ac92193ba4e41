#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""test_serve.py: bmdsim serve DIR against a temporary tree (docs/serve.md).

Files and their types and bytes, HEAD, 404, 405, path traversal in every spelling (none may leak
a byte of a file outside DIR), symbolic links out of DIR, hidden files, malformed and over-long
requests, the Host check, keep-alive, concurrent and slow clients, the idle timeout, refused
non-loopback addresses and bad arguments, and a clean exit on SIGTERM and SIGINT.
Standard library only. BMDSIM names the binary."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BMDSIM = os.environ.get("BMDSIM", "bmdsim")
FAILS = []
CHECKS = 0
SECRET = b"SECRET-OUTSIDE-THE-SERVED-DIRECTORY-7f3a"


def check(cond, what):
    global CHECKS
    CHECKS += 1
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, file=sys.stderr)


def start(root, *extra):
    pf = os.path.join(os.path.dirname(root), "port-%d" % time.monotonic_ns())
    proc = subprocess.Popen([BMDSIM, "serve", root, "--port", "0", "--port-file", pf] + list(extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not os.path.exists(pf):
        if proc.poll() is not None or time.monotonic() > deadline:
            out, err = proc.communicate(timeout=5) if proc.poll() is not None else (b"", b"")
            print("serve did not start: rc=%s %s" % (proc.returncode, err.decode()), file=sys.stderr)
            sys.exit(1)
        time.sleep(0.02)
    with open(pf) as f:
        port = int(f.read())
    return proc, port


def raw(port, data, family=socket.AF_INET, host="127.0.0.1", timeout=10):
    """Send bytes, read until the server closes; the whole answer."""
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    s.sendall(data)
    chunks = []
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    except ConnectionResetError:
        chunks.append(b"<reset>")
    s.close()
    return b"".join(chunks)


def status_of(answer):
    try:
        return int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def get(port, path, method="GET", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, hdrs, body


def main():
    tmp = tempfile.mkdtemp(prefix="bmd-serve-")
    root = os.path.join(tmp, "www")
    os.makedirs(os.path.join(root, "sub", ".git"))
    with open(os.path.join(tmp, "secret.txt"), "wb") as f:
        f.write(SECRET)
    types = {
        "report.html": "text/html; charset=utf-8", "a.js": "text/javascript; charset=utf-8",
        "b.mjs": "text/javascript; charset=utf-8", "c.css": "text/css; charset=utf-8",
        "d.json": "application/json", "e.czml": "application/json",
        "f.kml": "application/vnd.google-earth.kml+xml", "g.geojson": "application/geo+json",
        "h.csv": "text/csv; charset=utf-8", "i.png": "image/png", "j.jpg": "image/jpeg",
        "k.svg": "image/svg+xml", "l.wasm": "application/wasm", "m.glb": "model/gltf-binary",
        "n.xml": "application/xml", "o.txt": "text/plain; charset=utf-8",
        "p.bin": "application/octet-stream", "empty.txt": "text/plain; charset=utf-8",
        "big.dat": "application/octet-stream", "name with space.txt": "text/plain; charset=utf-8",
    }
    content = {}
    for i, name in enumerate(sorted(types)):
        if name == "big.dat":
            data = os.urandom(3 * 1024 * 1024 + 17)
        elif name == "empty.txt":
            data = b""
        else:
            data = ("%s %d " % (name, i)).encode() + os.urandom(200 + 37 * i)
        content[name] = data
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    with open(os.path.join(root, "sub", "index.html"), "wb") as f:
        f.write(b"<p>sub index</p>")
    with open(os.path.join(root, ".hidden"), "wb") as f:
        f.write(b"hidden")
    with open(os.path.join(root, "sub", ".git", "config"), "wb") as f:
        f.write(b"git config")
    os.symlink("/etc", os.path.join(root, "etc-link"))
    os.symlink("../secret.txt", os.path.join(root, "escape.txt"))
    os.symlink("a.js", os.path.join(root, "alias.js"))

    proc, port = start(root, "--timeout-s", "1.5")

    # Every file: status, type, length, bytes, the two fixed headers.
    for name, ctype in types.items():
        path = "/" + name.replace(" ", "%20")
        st, h, body = get(port, path)
        check(st == 200, "GET %s: status %s" % (path, st))
        check(h.get("content-type") == ctype, "GET %s: type %r, want %r" % (path, h.get("content-type"), ctype))
        check(body == content[name], "GET %s: body differs (%d bytes, want %d)" % (path, len(body), len(content[name])))
        check(h.get("content-length") == str(len(content[name])), "GET %s: Content-Length %s" % (path, h.get("content-length")))
        check(h.get("cache-control") == "no-store", "GET %s: Cache-Control %r" % (path, h.get("cache-control")))
        check(h.get("x-content-type-options") == "nosniff", "GET %s: nosniff missing" % path)
    # A query string is ignored; a symbolic link inside the tree is followed.
    st, h, body = get(port, "/a.js?v=3#frag")
    check(st == 200 and body == content["a.js"], "GET with a query: %s" % st)
    st, h, body = get(port, "/alias.js")
    check(st == 200 and body == content["a.js"], "GET a link inside DIR: %s" % st)
    # HEAD: the headers of GET, no body.
    st, h, body = get(port, "/big.dat", method="HEAD")
    check(st == 200 and body == b"", "HEAD: status %s, %d body bytes" % (st, len(body)))
    check(h.get("content-length") == str(len(content["big.dat"])), "HEAD: Content-Length %s" % h.get("content-length"))
    check(h.get("content-type") == "application/octet-stream", "HEAD: type %s" % h.get("content-type"))
    ans = raw(port, b"HEAD /report.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    check(ans.endswith(b"\r\n\r\n") and content["report.html"] not in ans, "HEAD sends no body bytes")
    # The root falls back to report.html; a directory with a slash to its index.html.
    st, h, body = get(port, "/")
    check(st == 200 and body == content["report.html"], "GET /: status %s" % st)
    st, h, body = get(port, "/sub/")
    check(st == 200 and body == b"<p>sub index</p>", "GET /sub/: status %s" % st)
    # Not found: missing, hidden, a directory without its slash, a file with one.
    for path in ["/missing.html", "/.hidden", "/sub/.git/config", "/%2ehidden", "/sub", "/a.js/",
                 "/etc-link/passwd", "/etc-link/", "/escape.txt"]:
        st, h, body = get(port, path)
        check(st == 404, "GET %s: status %s, want 404" % (path, st))
        check(SECRET not in body and b"root:" not in body and b"hidden" != body,
              "GET %s leaked bytes" % path)
    # Other methods: 405 with Allow.
    for m in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]:
        st, h, body = get(port, "/a.js", method=m, headers={"Content-Length": "0"})
        check(st == 405, "%s: status %s, want 405" % (m, st))
        check(h.get("allow") == "GET, HEAD", "%s: Allow %r" % (m, h.get("allow")))
    ans = raw(port, b"POST /new.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello")
    check(status_of(ans) == 405, "POST with a body: %r" % ans[:40])
    check(not os.path.exists(os.path.join(root, "new.txt")), "POST wrote a file")
    # Traversal in every spelling: refused, no byte of a file outside DIR.
    for target in [b"/../etc/passwd", b"/../secret.txt", b"/%2e%2e/secret.txt", b"/%2E%2E/secret.txt",
                   b"/..%2fsecret.txt", b"/%2e%2e%2fsecret.txt", b"/sub/../../secret.txt",
                   b"/sub/%2e%2e/%2e%2e/secret.txt", b"/sub/../a.js", b"/sub/%2e%2e/a.js", b"//etc/passwd", b"/./a.js", b"/sub/./index.html",
                   b"/..", b"/%2e%2e", b"/a.js%00.png", b"/a%5c..%5csecret.txt", b"/..\\secret.txt",
                   b"/%", b"/%zz", b"etc/passwd", b"http://127.0.0.1/etc/passwd", b"*",
                   b"/etc-link/passwd", b"/escape.txt", b"/" + os.path.join(tmp, "secret.txt").encode()]:
        ans = raw(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        st = status_of(ans)
        check(st in (400, 404), "GET %r: status %s, want 400 or 404" % (target, st))
        check(SECRET not in ans and b"root:" not in ans, "GET %r leaked an outside file" % target)
    # Malformed requests.
    for req, want in [(b"GARBAGE\r\n\r\n", 400), (b"GET /\r\n\r\n", 400),
                      (b"GET  / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                      (b"GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505),
                      (b"GET / FTP/1.0\r\n\r\n", 400),
                      (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400),
                      (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n folded\r\n\r\n", 400),
                      (b"GET / HTTP/1.1\r\n\r\n", 400),
                      (b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 400),
                      (b"GET / HTTP/1.1\r\nHost: 10.0.0.1:80\r\n\r\n", 400),
                      (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
                      (b"GET /report.html HTTP/1.1\r\nHost: localhost:1234\r\nConnection: close\r\n\r\n", 200),
                      (b"GET /report.html HTTP/1.1\r\nHost: [::1]:1234\r\nConnection: close\r\n\r\n", 200),
                      (b"GET /report.html HTTP/1.0\r\n\r\n", 200),
                      (b"GET /report.html HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n", 200)]:
        ans = raw(port, req)
        check(status_of(ans) == want, "%r: status %s, want %d" % (req[:50], status_of(ans), want))
    # Over-long: the request line (414) and the headers (431).
    ans = raw(port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    check(status_of(ans) == 414, "long target: status %s, want 414" % status_of(ans))
    ans = raw(port, b"GET /" + b"a" * 20000)
    check(status_of(ans) == 414, "endless request line: status %s, want 414" % status_of(ans))
    ans = raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Pad: " + b"p" * 20000 + b"\r\n\r\n")
    check(status_of(ans) == 431, "long header: status %s, want 431" % status_of(ans))
    ans = raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-A: b\r\n" * 3000 + b"\r\n")
    check(status_of(ans) == 431, "many headers: status %s, want 431" % status_of(ans))
    # Keep-alive: three requests on one connection, and two pipelined in one write.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for name in ["a.js", "c.css", "i.png"]:
        c.request("GET", "/" + name)
        r = c.getresponse()
        check(r.status == 200 and r.read() == content[name], "keep-alive GET /%s" % name)
    c.close()
    ans = raw(port, b"GET /o.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    b"GET /n.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    check(ans.count(b"HTTP/1.1 200 OK") == 2 and content["o.txt"] in ans and content["n.xml"] in ans,
          "pipelined requests: %d answers" % ans.count(b"HTTP/1.1 200 OK"))
    # A client that half-closes after its request still gets the answer.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /o.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    s.shutdown(socket.SHUT_WR)
    ans = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        ans += b
    s.close()
    check(status_of(ans) == 200 and content["o.txt"] in ans, "half-closed client: %r" % ans[:30])
    # Slow clients do not hold up others, and are closed after the timeout.
    slow = []
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /a.js HTTP/1.1\r\nHo")
        slow.append(s)
    t0 = time.monotonic()
    st, h, body = get(port, "/d.json")
    check(st == 200 and body == content["d.json"] and time.monotonic() - t0 < 1.0,
          "GET beside slow clients: %s after %.2f s" % (st, time.monotonic() - t0))
    t0 = time.monotonic()
    for s in slow:
        try:
            b = s.recv(100)
        except (socket.timeout, ConnectionResetError):
            b = b"<none>"
        check(b == b"", "slow client not closed: %r" % b[:20])
        s.close()
    elapsed = time.monotonic() - t0
    check(elapsed < 4.0, "slow clients closed after %.1f s (timeout 1.5 s)" % elapsed)
    # Concurrent clients, more than a browser opens (6), each reading the large file.
    results = []
    lock = threading.Lock()

    def worker():
        try:
            st, h, body = get(port, "/big.dat")
            ok = st == 200 and body == content["big.dat"]
        except Exception as e:  # noqa: BLE001 (a failure of any kind is the test's result)
            ok = False
            print("worker: %r" % e, file=sys.stderr)
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(len(results) == 16 and all(results), "concurrent GETs: %s" % results)
    print("16 concurrent GETs of %d bytes: %.2f s" % (len(content["big.dat"]), time.monotonic() - t0))
    # A client that stops reading does not stop the server.
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET /big.dat HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    st, h, body = get(port, "/c.css")
    check(st == 200 and body == content["c.css"], "GET beside a client that does not read")
    s.close()

    # SIGTERM: a clean stop, exit 0.
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = "hung"
    err = proc.stderr.read().decode()
    check(rc == 0, "SIGTERM: exit %s, want 0; stderr %s" % (rc, err[-300:]))
    check(("serving %s at http://127.0.0.1:%d/report.html" % (root, port)) in err,
          "the serving line: %r" % err[:200])
    check(not os.path.exists(os.path.join(root, ".tmp")), "files left in DIR")

    # ::1 when this machine has IPv6; SIGINT stops it the same way.
    has_v6 = socket.has_ipv6
    if has_v6:
        try:
            s = socket.socket(socket.AF_INET6)
            s.bind(("::1", 0))
            s.close()
        except OSError:
            has_v6 = False
    if has_v6:
        proc, port = start(root, "--bind", "::1")
        ans = raw(port, b"GET /a.js HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n",
                  family=socket.AF_INET6, host="::1")
        check(status_of(ans) == 200 and ans.endswith(content["a.js"]), "GET over ::1")
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(10)
        err = proc.stderr.read().decode()
        check(rc == 0, "SIGINT: exit %s" % rc)
        check("http://[::1]:%d/report.html" % port in err, "the ::1 serving line: %r" % err[:200])
    else:
        print("no IPv6 loopback here: --bind ::1 not tried")

    # Refusals: exit 2 with a message, and nothing listening.
    for args, what in [(["--bind", "0.0.0.0"], "loopback"), (["--bind", "192.168.1.1"], "loopback"),
                       (["--bind", "::"], "loopback"), (["--bind", "::ffff:10.0.0.1"], "loopback"),
                       (["--bind", "example.com"], "--bind"), (["--port", "70000"], "--port"),
                       (["--port", "-1"], "--port"), (["--port", "8.5"], "--port"),
                       (["--timeout-s", "0"], "--timeout-s"), (["--nope"], "unknown option")]:
        r = subprocess.run([BMDSIM, "serve", root] + args, capture_output=True, timeout=10)
        check(r.returncode == 2, "serve %s: exit %d, want 2" % (" ".join(args), r.returncode))
        check(what in r.stderr.decode(), "serve %s: message %r" % (" ".join(args), r.stderr.decode()))
    for args, what in [([os.path.join(tmp, "missing")], "No such file"),
                       ([os.path.join(root, "a.js")], "not a directory"), ([], "expected one DIR"),
                       ([root, root], "expected one DIR")]:
        r = subprocess.run([BMDSIM, "serve"] + args + ["--port", "0"], capture_output=True, timeout=10)
        check(r.returncode == 2, "serve %s: exit %d, want 2" % (args, r.returncode))
        check(what in r.stderr.decode(), "serve %s: message %r" % (args, r.stderr.decode()))
    r = subprocess.run([BMDSIM, "serve", "--help"], capture_output=True, timeout=10)
    check(r.returncode == 0 and b"loopback" in r.stdout, "serve --help")

    subprocess.run(["rm", "-rf", tmp])
    print("%d passed, %d failed" % (CHECKS - len(FAILS), len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
