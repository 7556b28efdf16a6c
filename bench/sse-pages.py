#!/usr/bin/env python3
"""Open N console pages' live streams (GET /api/console/live, server-sent events) on one Baton and
read them for a while, as N open browser tabs would; then print, as JSON, how many snapshots each
page got and the smallest gap between two of them (the console promises at most one a second).

    bench/sse-pages.py --url http://127.0.0.1:4200 --pages 50 --seconds 30 [--auth SECRET]

Loopback only (the URL's host is refused unless it is a loopback address); stops by itself.
"""
import argparse, base64, ipaddress, json, selectors, socket, sys, time, urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument('--url', required=True)
ap.add_argument('--pages', type=int, default=50)
ap.add_argument('--seconds', type=float, default=30)
ap.add_argument('--auth', default=None)
a = ap.parse_args()
u = urllib.parse.urlparse(a.url)
if not ipaddress.ip_address(socket.gethostbyname(u.hostname)).is_loopback:
    sys.exit('sse-pages.py: loopback addresses only')
req = 'GET /api/console/live HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n' % u.netloc
if a.auth:
    req += 'Authorization: Basic %s\r\n' % base64.b64encode(a.auth.encode()).decode()
req += '\r\n'
sel = selectors.DefaultSelector()
pages = []
for i in range(a.pages):
    s = socket.create_connection((u.hostname, u.port or 80))
    s.sendall(req.encode())
    s.setblocking(False)
    p = {'buf': b'', 'times': [], 'status': None}
    pages.append(p)
    sel.register(s, selectors.EVENT_READ, p)
end = time.monotonic() + a.seconds
while time.monotonic() < end:
    for key, _ in sel.select(timeout=0.5):
        p = key.data
        chunk = key.fileobj.recv(65536)
        if not chunk:
            sel.unregister(key.fileobj)
            continue
        now = time.monotonic()
        p['buf'] += chunk
        if p['status'] is None and b'\r\n' in p['buf']:
            p['status'] = int(p['buf'].split(b' ', 2)[1])
        n = p['buf'].count(b'event: snapshot\n')
        p['times'] += [now] * n
        p['buf'] = p['buf'][p['buf'].rfind(b'\n\n') + 2:] if n else p['buf'][-65536:]
for key in list(sel.get_map().values()):
    key.fileobj.close()
counts = [len(p['times']) for p in pages]
gaps = [b - a for p in pages for a, b in zip(p['times'][1:], p['times'][2:])]  # after the first (sent at once)
print(json.dumps({'pages': a.pages, 'seconds': a.seconds, 'statuses': sorted({p['status'] for p in pages}, key=str),
                  'snapshots_min': min(counts), 'snapshots_max': max(counts),
                  'snapshots_per_page_per_s': round(sum(counts) / len(counts) / a.seconds, 3),
                  'min_gap_s': round(min(gaps), 3) if gaps else None}))
