# Sends a sampled (v1) profile with Debian's python3-sentry-sdk: 1.9 profiles WSGI
# requests only (the "sleep" sampler: a thread, no signals), so a one-request
# WSGI server is profiled; busy_checkout is the in-app function to find.
import sys, threading, time, urllib.request
from wsgiref.simple_server import make_server, WSGIRequestHandler
import sentry_sdk
from sentry_sdk.integrations.wsgi import SentryWsgiMiddleware

sentry_sdk.init(dsn=sys.argv[1], traces_sample_rate=1.0, _experiments={"profiles_sample_rate": 1.0, "profiler_mode": "sleep"})

def busy_checkout(n):
    s = 0
    for i in range(n):
        s += i * i
    return s

def app(environ, start_response):
    t = time.time()
    while time.time() - t < 0.5:
        busy_checkout(20000)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]

class Quiet(WSGIRequestHandler):
    def log_message(self, *a): pass

server = make_server("127.0.0.1", 0, SentryWsgiMiddleware(app), handler_class=Quiet)
threading.Thread(target=server.handle_request, daemon=True).start()
urllib.request.urlopen("http://127.0.0.1:%d/checkout" % server.server_port).read()
time.sleep(0.2)
sentry_sdk.flush()
