#!/usr/bin/env bash
# `nginx -t` on nginx/nginx.conf without Docker (CI): copy the configuration to a temporary
# directory, point the container paths (/etc/nginx, /var/log/nginx, /var/run) there, make a dev
# certificate, and resolve the compose host names (api-1, api-2) to 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nginx_bin="${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}"
[ -x "$nginx_bin" ] || { echo "nginx is not installed (apt-get install nginx)"; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/logs" "$tmp/certs" "$tmp/html"
cp -r "$here/snippets" "$tmp/"
mime=/etc/nginx/mime.types
[ -f "$mime" ] || { echo "types { text/html html; application/javascript js; text/css css; }" > "$tmp/mime.types"; mime="$tmp/mime.types"; }
sed -e "s#/etc/nginx/mime.types#$mime#" \
	-e "s#/etc/nginx/certs/#$tmp/certs/#g" \
	-e "s#/var/log/nginx/#$tmp/logs/#g" \
	-e "s#/var/run/nginx.pid#$tmp/nginx.pid#" \
	-e "s#/usr/share/nginx/html#$tmp/html#" \
	-e "s#server api-\([0-9]*\):3000#server 127.0.0.1:300\1#" \
	"$here/nginx.conf" > "$tmp/nginx.conf"
"$here/make-dev-cert.sh" "$tmp/certs" >/dev/null
"$nginx_bin" -t -q -e "$tmp/logs/error.log" -p "$tmp" -c "$tmp/nginx.conf"
# Live streams (SPEC §13): their locations use the stream snippet, which must pass events unbuffered
# over HTTP/1.1 keep-alive and hold the connection open far beyond the 15 s heartbeat.
for loc in "/api/v1/stream" "/api/v1/stream/staff"; do
	awk -v loc="location = $loc {" '$0 == loc { inside = 1; next } inside && /^}/ { exit } inside' "$here/snippets/site.conf" \
		| grep -q "include snippets/proxy-stream.conf;" || { echo "nginx: location = $loc does not include snippets/proxy-stream.conf"; exit 1; }
done
stream="$here/snippets/proxy-stream.conf"
for directive in "proxy_buffering off;" "proxy_cache off;" "proxy_http_version 1.1;" 'proxy_set_header Connection "";' "gzip off;"; do
	grep -qxF "$directive" "$stream" || { echo "nginx: $stream lacks '$directive'"; exit 1; }
done
read_timeout="$(sed -n 's/^proxy_read_timeout \([0-9]*\)\([smh]\);$/\1 \2/p' "$stream")"
secs="$(echo "$read_timeout" | awk '{ print $1 * ($2 == "h" ? 3600 : $2 == "m" ? 60 : 1) }')"
[ -n "$secs" ] && [ "$secs" -ge 60 ] || { echo "nginx: proxy_read_timeout of the streams must be at least 60 s (got '${read_timeout:-none}')"; exit 1; }
echo "nginx -t: nginx/nginx.conf is valid ($("$nginx_bin" -v 2>&1))"
