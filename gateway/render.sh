#!/bin/sh
# Renders nginx.conf.template for the container image (the local stack renders it in tools/stack.py)
# and runs nginx in the foreground, as an unprivileged user, logging to stdout/stderr.
# Upstreams: AUTH_UPSTREAM etc. (host:port; compose's service names by default). Operators'
# listener: GATEWAY_OPS_PORT, with one /metrics/<name> per `name=host:port` of METRICS_TARGETS.
set -euf  # -f: a `*` in CORS_ORIGINS is a value, not a glob
run_dir=/var/run/nginx
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
targets="${METRICS_TARGETS:-auth=${AUTH_UPSTREAM:-auth-web:8000},streams=${STREAMS_UPSTREAM:-streams-web:8000},dashboard=${DASHBOARD_UPSTREAM:-dashboard-web:8000},chat=${CHAT_UPSTREAM:-chat-web:8000}}"
ops=""
for target in $(echo "$targets" | tr ',' ' '); do
    name=${target%%=*}; address=${target#*=}
    case "$name$address" in
        *[!A-Za-z0-9._:-]*) echo "METRICS_TARGETS: '$target' is not name=host:port" >&2; exit 1 ;;
    esac
    ops="$ops        location = /metrics/$name { proxy_pass http://$address/metrics; }\n"
done
sed -e "s#@@RUN_DIR@@#$run_dir#g" \
    -e "s#@@LOG_DIR@@/nginx-error.log#/dev/stderr#g" -e "s#@@LOG_DIR@@/nginx-access.log#/dev/stdout#g" \
    -e "s#@@LISTEN@@#0.0.0.0:${GATEWAY_PORT:-8080}#g" -e "s#@@MAX_BODY@@#${GATEWAY_MAX_BODY:-64k}#g" \
    -e "s#@@OPS_LISTEN@@#0.0.0.0:${GATEWAY_OPS_PORT:-8081}#g" -e "s#@@OPS_LOCATIONS@@#${ops}#g" \
    -e "s#@@API_KEY_LINES@@#${keys}#g" -e "s#@@CORS_ORIGIN_LINES@@#${origins}#g" \
    -e "s#@@LOGIN_RATE@@#${GATEWAY_LOGIN_RATE:-10r/m}#g" -e "s#@@LOGIN_BURST@@#10#g" \
    -e "s#@@STREAM_REQUEST_RATE@@#${GATEWAY_STREAM_REQUEST_RATE:-6r/m}#g" -e "s#@@STREAM_REQUEST_BURST@@#5#g" \
    -e "s#@@LOAN_LINK_RATE@@#${GATEWAY_LOAN_LINK_RATE:-6r/m}#g" -e "s#@@LOAN_LINK_BURST@@#5#g" \
    -e "s#127.0.0.1:@@AUTH_PORT@@#${AUTH_UPSTREAM:-auth-web:8000}#g" \
    -e "s#127.0.0.1:@@STREAMS_PORT@@#${STREAMS_UPSTREAM:-streams-web:8000}#g" \
    -e "s#127.0.0.1:@@DASHBOARD_PORT@@#${DASHBOARD_UPSTREAM:-dashboard-web:8000}#g" \
    -e "s#127.0.0.1:@@CHAT_PORT@@#${CHAT_UPSTREAM:-chat-web:8000}#g" \
    -e "s#@@EXTRA_LOCATIONS@@##g" /etc/dropin/nginx.conf.template > "$run_dir/nginx.conf"
if grep -q '@@' "$run_dir/nginx.conf"; then echo "gateway template has an unreplaced @@placeholder@@" >&2; exit 1; fi
exec nginx -e /dev/stderr -c "$run_dir/nginx.conf"
