#!/bin/sh
# The watch service runs as its own system user; the package makes it
# once and never removes it (files in /var/lib/rootwatch stay theirs).
set -e
if ! getent group rootwatch >/dev/null; then
	groupadd --system rootwatch
fi
if ! getent passwd rootwatch >/dev/null; then
	useradd --system --gid rootwatch --home-dir /var/lib/rootwatch --no-create-home \
		--shell /usr/sbin/nologin --comment "rootwatch watch service" rootwatch
fi
chown root:rootwatch /etc/rootwatch/rootwatch.yaml
chmod 0640 /etc/rootwatch/rootwatch.yaml
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
exit 0
