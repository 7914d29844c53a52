"""A WSGI app for the gunicorn tests: `/ok` answers at once, `/slow` after 30 seconds."""
import time


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/slow":
        time.sleep(30)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
