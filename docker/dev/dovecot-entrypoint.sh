#!/bin/sh
# Dev profile only: make a self-signed certificate (shared with maildev and Docket through the
# `dev-certs` volume) on first start, then run Dovecot in the foreground.
set -eu
if [ ! -s /certs/cert.pem ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=docket-dev \
        -addext "subjectAltName=DNS:dovecot,DNS:maildev,DNS:localhost,IP:127.0.0.1" \
        -keyout /certs/key.pem -out /certs/cert.pem 2>/dev/null
    chmod 644 /certs/cert.pem /certs/key.pem   # readable by maildev's user: a throw-away dev key
fi
exec dovecot -F -c /etc/dovecot/docket-dev.conf
