#!/bin/sh
# Renders nginx.conf.template for the container image (the local stack renders it in tools/stack.py)
# and runs nginx in the foreground, as an unprivileged user, logging to stdout/stderr.
# Upstreams: AUTH_UPSTREAM etc. (host:port; compose's service names by default). Operators'
# listener: GATEWAY_OPS_PORT, with one /metrics/<name> per `name=host:port` of METRICS_TARGETS.
set -euf  # -f: a `*` in CORS_ORIGINS is a value, not a glob
run_dir=/var/run/nginx
keys=""
if [ "${APP_ENV:-development}" = production ]; then
    case ",${API_KEYS:-}," in
        ,,) echo "gateway: APP_ENV=production refuses development secrets: API_KEYS is not set" >&2; exit 1 ;;
        *,dev-api-key,*) echo "gateway: APP_ENV=production refuses development secrets: API_KEYS holds the development key 'dev-api-key'" >&2; exit 1 ;;
    esac
fi
for key in $(echo "${API_KEYS:-dev-api-key}" | tr ',' ' '); do keys="$keys        \"$key\" 1;\n"; done
# CORS_ORIGINS: an explicit allow-list (default: the gateway's own origin, where the web app is
# served); each listed origin is echoed back. `*` and `null` are refused.
origins='        default "";\n'
for origin in $(echo "${CORS_ORIGINS:-http://localhost:${GATEWAY_PORT:-8080}}" | tr ',' ' '); do
    case "$origin" in
        http://*/*|https://*/*|*[!A-Za-z0-9.:/-]*) echo "CORS_ORIGINS: '$origin' is not an origin (scheme://host[:port], no path)" >&2; exit 1 ;;
        http://?*|https://?*) origins="$origins        \"$origin\" \$http_origin;\n" ;;
        *) echo "CORS_ORIGINS: '$origin' is not an origin (scheme://host[:port], no path)" >&2; exit 1 ;;
    esac
done
# Retry-After of the gateway's 429: seconds one request's share of the rate takes (10r/m -> 6).
retry_after() {
    n=${1%%r/*}; unit=${1##*/}
    case "$n" in ''|*[!0-9]*|0) echo "not an nginx rate (like 10r/m): '$1'" >&2; exit 1 ;; esac
    if [ "$unit" = m ]; then echo $(( (60 + n - 1) / n )); else echo 1; fi
}
login_rate=${GATEWAY_LOGIN_RATE:-10r/m}
register_rate=${GATEWAY_REGISTER_RATE:-6r/m}
stream_request_rate=${GATEWAY_STREAM_REQUEST_RATE:-6r/m}
loan_link_rate=${GATEWAY_LOAN_LINK_RATE:-6r/m}
for rate in "$login_rate" "$register_rate" "$stream_request_rate" "$loan_link_rate"; do retry_after "$rate" >/dev/null; done
targets="${METRICS_TARGETS:-auth=${AUTH_UPSTREAM:-auth-web:8000},streams=${STREAMS_UPSTREAM:-streams-web:8000},dashboard=${DASHBOARD_UPSTREAM:-dashboard-web:8000},chat=${CHAT_UPSTREAM:-chat-web:8000},integrations=${INTEGRATIONS_UPSTREAM:-integrations-web:8000}}"
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
    -e "s#@@LOGIN_RATE@@#${login_rate}#g" -e "s#@@LOGIN_BURST@@#10#g" \
    -e "s#@@LOGIN_RETRY_AFTER@@#$(retry_after "$login_rate")#g" \
    -e "s#@@REGISTER_RATE@@#${register_rate}#g" -e "s#@@REGISTER_BURST@@#5#g" \
    -e "s#@@REGISTER_RETRY_AFTER@@#$(retry_after "$register_rate")#g" \
    -e "s#@@STREAM_REQUEST_RATE@@#${stream_request_rate}#g" -e "s#@@STREAM_REQUEST_BURST@@#5#g" \
    -e "s#@@STREAM_REQUEST_RETRY_AFTER@@#$(retry_after "$stream_request_rate")#g" \
    -e "s#@@LOAN_LINK_RATE@@#${loan_link_rate}#g" -e "s#@@LOAN_LINK_BURST@@#5#g" \
    -e "s#@@LOAN_LINK_RETRY_AFTER@@#$(retry_after "$loan_link_rate")#g" \
    -e "s#127.0.0.1:@@AUTH_PORT@@#${AUTH_UPSTREAM:-auth-web:8000}#g" \
    -e "s#127.0.0.1:@@STREAMS_PORT@@#${STREAMS_UPSTREAM:-streams-web:8000}#g" \
    -e "s#127.0.0.1:@@DASHBOARD_PORT@@#${DASHBOARD_UPSTREAM:-dashboard-web:8000}#g" \
    -e "s#127.0.0.1:@@CHAT_PORT@@#${CHAT_UPSTREAM:-chat-web:8000}#g" \
    -e "s#127.0.0.1:@@INTEGRATIONS_PORT@@#${INTEGRATIONS_UPSTREAM:-integrations-web:8000}#g" \
    -e "s#127.0.0.1:@@OPENAPI_PORT@@#${OPENAPI_UPSTREAM:-openapi-merge:8000}#g" \
    -e "s#@@EXTRA_LOCATIONS@@##g" -e "s#@@WEB_ROOT@@#/usr/share/dropin-web#g" \
    -e "s#@@WEB_CONFIG@@#$run_dir/web-config.json#g" \
    /etc/dropin/nginx.conf.template > "$run_dir/nginx.conf"
if grep -q '@@' "$run_dir/nginx.conf"; then echo "gateway template has an unreplaced @@placeholder@@" >&2; exit 1; fi
# The web app's /config.json: its apikey (WEB_API_KEY, else the first of API_KEYS) and where
# pusher-js connects (Pusher's cluster, or PUSHER_WS_HOST/PUSHER_WS_PORT for a self-hosted server).
web_key="${WEB_API_KEY:-$(echo "${API_KEYS:-dev-api-key}" | cut -d, -f1)}"
case ",${API_KEYS:-dev-api-key}," in *",$web_key,"*) ;; *) echo "WEB_API_KEY must be one of API_KEYS" >&2; exit 1 ;; esac
socket=""
if [ -n "${PUSHER_WS_HOST:-}" ]; then
    socket=", \"wsHost\": \"$PUSHER_WS_HOST\", \"wsPort\": ${PUSHER_WS_PORT:-443}, \"forceTLS\": ${PUSHER_WS_TLS:-true}"
fi
printf '{"apiKey": "%s", "pusher": {"key": "%s", "cluster": "%s"%s}}\n' \
    "$web_key" "${PUSHER_KEY:-dev-key}" "${PUSHER_CLUSTER:-mt1}" "$socket" > "$run_dir/web-config.json"
exec nginx -e /dev/stderr -c "$run_dir/nginx.conf"
