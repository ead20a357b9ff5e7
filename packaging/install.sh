#!/usr/bin/env bash
# Installs or upgrades the node from an unpacked build (packaging/build.sh), as root:
#   - the system user and group privacynode, if missing;
#   - this directory as /opt/privacynode-VERSION, and /opt/privacynode pointing at it (the unit runs /opt/privacynode);
#   - the data directory /var/lib/privacynode, mode 0700, owned by privacynode (kept as it is if it exists);
#   - the unit /etc/systemd/system/privacynode.service.
# A running service is restarted on the new build: an upgrade is this same command with a newer build, and the node
# migrates its store at start. The previous build stays in /opt for a rollback (point /opt/privacynode back at it).
# DESTDIR installs into a staging root instead (files only: no user, no ownership, no systemctl).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${DESTDIR:-}
version=$("$here/privacynode" --version | cut -d+ -f1)
[ -n "$version" ] || { echo "install.sh: cannot read the version of $here/privacynode" >&2; exit 1; }
target=/opt/privacynode-$version

if [ -z "$dest" ]; then
  [ "$(id -u)" = 0 ] || { echo "install.sh: run as root (or set DESTDIR)" >&2; exit 1; }
  getent group privacynode >/dev/null || groupadd --system privacynode
  getent passwd privacynode >/dev/null || useradd --system --gid privacynode --home-dir /var/lib/privacynode --shell /usr/sbin/nologin privacynode
fi

mkdir -p "$dest/opt" "$dest/etc/systemd/system" "$dest/var/lib"
rm -rf "$dest$target.new"
cp -a "$here" "$dest$target.new"
chmod -R go-w "$dest$target.new"
rm -rf "$dest$target"
mv "$dest$target.new" "$dest$target"
ln -sfn "privacynode-$version" "$dest/opt/privacynode.new"
mv -T "$dest/opt/privacynode.new" "$dest/opt/privacynode"
install -m 0644 "$here/privacynode.service" "$dest/etc/systemd/system/privacynode.service"
if [ ! -d "$dest/var/lib/privacynode" ]; then
  install -d -m 0700 "$dest/var/lib/privacynode"
  [ -n "$dest" ] || chown privacynode:privacynode /var/lib/privacynode
fi

if [ -z "$dest" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if systemctl is-active --quiet privacynode; then systemctl restart privacynode; fi
fi
echo "installed privacynode $version in $dest$target (/opt/privacynode points at it)"
if [ ! -f "$dest/var/lib/privacynode/node.json" ]; then
  echo "next: sudo -u privacynode /opt/privacynode/privacynode init --name NAME --data-dir /var/lib/privacynode --peer-listen 0.0.0.0:7443 --advertise HOST:7443"
  echo "then: systemctl enable --now privacynode"
fi
