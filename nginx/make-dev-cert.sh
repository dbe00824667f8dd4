#!/usr/bin/env bash
# Make a self-signed development certificate for nginx's TLS listener:
#   nginx/make-dev-cert.sh [output-dir]   (default: nginx/certs, mounted by docker-compose.yml)
# Valid for localhost and 127.0.0.1, one year. Never use it outside development.
set -euo pipefail
out="${1:-$(dirname "$0")/certs}"
mkdir -p "$out"
if [ -s "$out/dev.crt" ] && [ -s "$out/dev.key" ] && [ "${FORCE:-0}" != 1 ]; then
	echo "$out/dev.crt exists (FORCE=1 to make a new one)"
	exit 0
fi
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 \
	-subj "/CN=localhost" \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	-keyout "$out/dev.key" -out "$out/dev.crt" 2>/dev/null
chmod 600 "$out/dev.key"
echo "Wrote $out/dev.crt and $out/dev.key (self-signed, localhost, 365 days)"
