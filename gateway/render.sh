#!/bin/sh
# Renders nginx.conf.template for the container image (the local stack renders it in tools/stack.py).
set -euf  # -f: a `*` in CORS_ORIGINS is a value, not a glob
keys=""
for key in $(echo "${API_KEYS:-dev-api-key}" | tr ',' ' '); do keys="$keys        \"$key\" 1;\n"; done
# CORS_ORIGINS: `*` (the default) allows any origin; otherwise each listed origin is echoed back.
origins='        default "";\n'
for origin in $(echo "${CORS_ORIGINS:-*}" | tr ',' ' '); do
    case "$origin" in
        '*') origins='        default "*";\n'; break ;;
        http://*/*|https://*/*|*[!A-Za-z0-9.:/-]*) echo "CORS_ORIGINS: '$origin' is not an origin (scheme://host[:port], no path)" >&2; exit 1 ;;
        http://?*|https://?*) origins="$origins        \"$origin\" \$http_origin;\n" ;;
        *) echo "CORS_ORIGINS: '$origin' is not an origin (scheme://host[:port], no path)" >&2; exit 1 ;;
    esac
done
sed -e "s#@@RUN_DIR@@#/var/run/nginx#g" -e "s#@@LOG_DIR@@#/var/log/nginx#g" \
    -e "s#@@LISTEN@@#0.0.0.0:${GATEWAY_PORT:-8080}#g" -e "s#@@MAX_BODY@@#${GATEWAY_MAX_BODY:-64k}#g" \
    -e "s#@@API_KEY_LINES@@#${keys}#g" -e "s#@@CORS_ORIGIN_LINES@@#${origins}#g" \
    -e "s#@@LOGIN_RATE@@#${GATEWAY_LOGIN_RATE:-10r/m}#g" -e "s#@@LOGIN_BURST@@#10#g" \
    -e "s#@@STREAM_REQUEST_RATE@@#${GATEWAY_STREAM_REQUEST_RATE:-6r/m}#g" -e "s#@@STREAM_REQUEST_BURST@@#5#g" \
    -e "s#@@LOAN_LINK_RATE@@#${GATEWAY_LOAN_LINK_RATE:-6r/m}#g" -e "s#@@LOAN_LINK_BURST@@#5#g" \
    -e "s#127.0.0.1:@@AUTH_PORT@@#auth-web:8000#g" -e "s#127.0.0.1:@@STREAMS_PORT@@#streams-web:8000#g" \
    -e "s#127.0.0.1:@@DASHBOARD_PORT@@#dashboard-web:8000#g" -e "s#127.0.0.1:@@CHAT_PORT@@#chat-web:8000#g" \
    -e "s#127.0.0.1:@@INTEGRATIONS_PORT@@#integrations-web:8000#g" \
    -e "s#@@EXTRA_LOCATIONS@@##g" /etc/nginx/templates/nginx.conf.template > /etc/nginx/nginx.conf
mkdir -p /var/run/nginx
exec nginx -c /etc/nginx/nginx.conf
