"""Gunicorn settings for the integrations service: the shared defaults, bound to 127.0.0.1:$PORT."""
from dropin_common.gunicorn_defaults import *  # noqa: F401,F403
from dropin_common.gunicorn_defaults import bind_address

bind = bind_address(8105)
