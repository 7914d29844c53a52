#!/bin/sh
# Renders nginx.conf.template for the container image (the local stack renders it in tools/stack.py).
set -eu
keys=""
for key in $(echo "${API_KEYS:-dev-api-key}" | tr ',' ' '); do keys="$keys        \"$key\" 1;\n"; done
sed -e "s#@@RUN_DIR@@#/var/run/nginx#g" -e "s#@@LOG_DIR@@#/var/log/nginx#g" \
    -e "s#@@LISTEN@@#0.0.0.0:${GATEWAY_PORT:-8080}#g" -e "s#@@MAX_BODY@@#${GATEWAY_MAX_BODY:-64k}#g" \
    -e "s#@@API_KEY_LINES@@#${keys}#g" \
    -e "s#@@LOGIN_RATE@@#${GATEWAY_LOGIN_RATE:-10r/m}#g" -e "s#@@LOGIN_BURST@@#10#g" \
    -e "s#@@STREAM_REQUEST_RATE@@#${GATEWAY_STREAM_REQUEST_RATE:-6r/m}#g" -e "s#@@STREAM_REQUEST_BURST@@#5#g" \
    -e "s#127.0.0.1:@@AUTH_PORT@@#auth-web:8000#g" -e "s#127.0.0.1:@@STREAMS_PORT@@#streams-web:8000#g" \
    -e "s#127.0.0.1:@@DASHBOARD_PORT@@#dashboard-web:8000#g" -e "s#127.0.0.1:@@CHAT_PORT@@#chat-web:8000#g" \
    -e "s#@@EXTRA_LOCATIONS@@##g" /etc/nginx/templates/nginx.conf.template > /etc/nginx/nginx.conf
mkdir -p /var/run/nginx
exec nginx -c /etc/nginx/nginx.conf
