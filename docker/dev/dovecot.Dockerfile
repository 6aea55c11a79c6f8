# Dev-profile IMAP server: Debian 12's Dovecot with Docket's own small config (never for production).
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends dovecot-imapd openssl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 5000 vmail \
    && useradd --uid 5000 --gid vmail --home-dir /srv/mail --no-create-home --shell /usr/sbin/nologin vmail \
    && mkdir -p /srv/mail /certs \
    && chown vmail:vmail /srv/mail
COPY docker/dev/dovecot.conf /etc/dovecot/docket-dev.conf
COPY docker/dev/passwd /etc/dovecot/docket-dev.passwd
COPY --chmod=0755 docker/dev/dovecot-entrypoint.sh /usr/local/bin/dovecot-entrypoint
VOLUME ["/srv/mail", "/certs"]
EXPOSE 143 993
HEALTHCHECK --interval=10s --timeout=5s --retries=5 CMD ["doveadm", "-c", "/etc/dovecot/docket-dev.conf", "service", "status", "imap-login"]
ENTRYPOINT ["dovecot-entrypoint"]
