#!/usr/bin/env bash
# Packages kb for installing without a Swift toolchain:
#   dist/kb-<version>-linux-<arch>.tar.gz   static-stdlib binary, completions, man pages, README, licence
#   dist/kb_<version>_<debarch>.deb          the same in the usual places, built with dpkg-deb
#   dist/kb-<version>-oci/ (+ -oci.tar)      an OCI image (layout and archive) built with umoci, no Docker
#                                            engine: Debian 12 (debootstrap minbase) + the .deb + the KB
#
#   scripts/package.sh [--no-image]
# Environment: KB_BINARY (use this binary instead of building), KB_DEBIAN_ROOT (a Debian 12 root to
# base the image on; default: made once with debootstrap and cached in .build-package/).
# Re-runs are reproducible: files carry SOURCE_DATE_EPOCH (default: the last commit's date).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/setup.sh build

image=1
for arg in "$@"; do
  case "$arg" in
    --no-image) image=0 ;;
    *) echo "usage: scripts/package.sh [--no-image]" >&2; exit 2 ;;
  esac
done
for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing (apt-get install dpkg-dev)" >&2; exit 2; }
done
if [ "$image" = 1 ]; then
  for tool in umoci debootstrap; do
    command -v "$tool" >/dev/null || { echo "package: $tool is missing (scripts/setup.sh test installs it)" >&2; exit 2; }
  done
fi

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
work=.build-package
mkdir -p "$work" dist

# 1. The binary: Swift's runtime linked in, so only Debian's own libraries are needed.
# Its own scratch folder: `swift test` holds .build's lock while the tests (this script among
# them) run.
scratch=$work/swift
if [ -n "${KB_BINARY:-}" ]; then
  kb=$KB_BINARY
else
  echo "package: swift build -c release --static-swift-stdlib" >&2
  swift build --scratch-path "$scratch" -c release --static-swift-stdlib --product kb
  kb=$(swift build --scratch-path "$scratch" -c release --static-swift-stdlib --show-bin-path)/kb
fi
version=$("$kb" --version)
arch=$(uname -m)
debarch=$(dpkg --print-architecture)
name=kb-$version-linux-$arch

# 2. Man pages from the argument parser: swift-argument-parser's generate-manual (the tool its
# GenerateManual plugin runs), on the binary being packaged; one page per command, kb.1, kb.check.1, …
echo "package: man pages (generate-manual)" >&2
swift build --scratch-path "$scratch" -c release --static-swift-stdlib --product generate-manual
manual=$work/man
rm -rf "$manual" && mkdir -p "$manual"
"$(swift build --scratch-path "$scratch" -c release --static-swift-stdlib --show-bin-path)/generate-manual" "$kb" --multi-page \
  --date "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" --authors "the kb authors" --output-directory "$manual"
[ -f "$manual/kb.1" ] || { echo "package: generate-manual wrote no kb.1" >&2; exit 1; }

# 3. The tree every format shares.
stage=$work/stage/$name
rm -rf "$work/stage" && mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
  "$stage/share/zsh/vendor-completions" "$stage/share/fish/vendor_completions.d" "$stage/share/doc/kb"
install -m 0755 "$kb" "$stage/bin/kb"
strip --strip-unneeded "$stage/bin/kb" 2>/dev/null || true
install -m 0644 "$manual"/*.1 "$stage/share/man/man1/"
"$kb" --generate-completion-script bash >"$stage/share/bash-completion/completions/kb"
"$kb" --generate-completion-script zsh >"$stage/share/zsh/vendor-completions/_kb"
"$kb" --generate-completion-script fish >"$stage/share/fish/vendor_completions.d/kb.fish"
install -m 0644 README.md "$stage/share/doc/kb/README.md"
licence=""
for f in LICENSE LICENSE.md LICENSE.txt COPYING; do [ -f "$f" ] && licence=$f && break; done
if [ -n "$licence" ]; then
  install -m 0644 "$licence" "$stage/share/doc/kb/$licence"
else
  echo "package: warning: the repository has no LICENSE file; the packages carry none" >&2
fi
cp "$stage/share/doc/kb/"* "$stage/"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

tarball=dist/$name.tar.gz
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$work/stage" -cf - "$name" \
  | gzip -9n >"$tarball.tmp" && mv "$tarball.tmp" "$tarball"
echo "package: $tarball" >&2

# 4. The .deb: FHS places, compressed man pages, Depends from the binary's libraries.
deb=$work/deb
rm -rf "$deb" && mkdir -p "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/man/man1" "$deb/usr/share/doc/kb" \
  "$deb/usr/share/bash-completion/completions" "$deb/usr/share/zsh/vendor-completions" "$deb/usr/share/fish/vendor_completions.d"
cp "$stage/bin/kb" "$deb/usr/bin/kb"
for page in "$stage"/share/man/man1/*.1; do gzip -9n <"$page" >"$deb/usr/share/man/man1/$(basename "$page").gz"; done
cp "$stage/share/bash-completion/completions/kb" "$deb/usr/share/bash-completion/completions/kb"
cp "$stage/share/zsh/vendor-completions/_kb" "$deb/usr/share/zsh/vendor-completions/_kb"
cp "$stage/share/fish/vendor_completions.d/kb.fish" "$deb/usr/share/fish/vendor_completions.d/kb.fish"
gzip -9n <README.md >"$deb/usr/share/doc/kb/README.md.gz"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: kb"
  echo
  echo "Files: *"
  echo "Copyright: the kb authors"
  if [ -n "$licence" ]; then echo "License: see below"; echo; sed 's/^$/./; s/^/ /' "$licence"; else echo "License: none chosen yet"; fi
} >"$deb/usr/share/doc/kb/copyright"
shlibs=$work/shlibs
rm -rf "$shlibs" && mkdir -p "$shlibs/debian"
printf 'Source: kb\n\nPackage: kb\nArchitecture: any\n' >"$shlibs/debian/control"
depends=$(cd "$shlibs" && dpkg-shlibdeps -O -e"$root/$deb/usr/bin/kb" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies for kb" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
cat >"$deb/DEBIAN/control" <<EOF
Package: kb
Version: $version
Architecture: $debarch
Maintainer: kb authors <kb@localhost>
Installed-Size: $size
Depends: $depends
Recommends: shellcheck, man-db
Section: utils
Priority: optional
Homepage: https://github.com/OWNER/kb
Description: offline troubleshooting knowledge base and static doc generator
 kb turns Markdown articles with embedded executable checks into a typed
 knowledge graph (symptom, cause, check, fix), renders it into a static site
 that works from disk, and answers from the terminal: search, match an error
 log, show an article, run this machine's checks (kb doctor), serve the KB to
 AI assistants over the Model Context Protocol (kb mcp), and lint it in CI.
EOF
find "$deb" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
debfile=dist/kb_${version}_$debarch.deb
dpkg-deb --root-owner-group -Zxz --build "$deb" "$debfile.tmp" >/dev/null && mv "$debfile.tmp" "$debfile"
echo "package: $debfile" >&2

[ "$image" = 1 ] || exit 0

# 5. The OCI image: a Debian 12 minbase root (made once, cached) with the .deb installed and the
# repository's KB under /kb, packed by umoci. The DaemonSet in deploy/ runs it on every node.
base=${KB_DEBIAN_ROOT:-$work/debian-12-root}
if [ ! -x "$base/bin/sh" ]; then
  echo "package: debootstrap Debian 12 (once; cached in $base)" >&2
  rm -rf "$base.tmp"
  debootstrap --variant=minbase --include=man-db bookworm "$base.tmp" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  mv "$base.tmp" "$base"
fi
rootfs=$work/image-root
umount "$rootfs/proc" 2>/dev/null || true # a run stopped half-way
rm -rf --one-file-system "$rootfs" && cp -a "$base" "$rootfs"
cp "$debfile" "$rootfs/tmp/kb.deb"
# The chroot needs name resolution and the kernel's pseudo-filesystems for apt.
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc" 2>/dev/null || true' EXIT
chroot "$rootfs" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/kb.deb ca-certificates curl >/dev/null && apt-get clean' \
  || { echo "package: installing the .deb into the image root failed" >&2; exit 1; }
umount "$rootfs/proc"
trap - EXIT
rm -rf "$rootfs/tmp/kb.deb" "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
: >"$rootfs/etc/resolv.conf"
mkdir -p "$rootfs/kb"
cp -a Content kb.yml "$rootfs/kb/"

layout=dist/kb-$version-oci
rm -rf "$layout" "$work/bundle"
umoci init --layout "$layout"
umoci new --image "$layout:$version"
umoci unpack --image "$layout:$version" "$work/bundle" >/dev/null
rm -rf "$work/bundle/rootfs" && mv "$rootfs" "$work/bundle/rootfs"
umoci repack --image "$layout:$version" --history.created "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)" --history.created_by "debootstrap minbase + kb .deb + Content/" "$work/bundle" >/dev/null
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
umoci config --image "$layout:$version" --config.entrypoint /usr/bin/kb --config.cmd --help \
  --config.workingdir /kb --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.label org.opencontainers.image.title=kb --config.label "org.opencontainers.image.version=$version" \
  --architecture "$debarch" --os linux --created "$created" --history.created "$created" --history.created_by "scripts/package.sh"
umoci gc --layout "$layout"
rm -rf "$work/bundle"
if command -v skopeo >/dev/null; then
  rm -f "$layout.tar"
  skopeo copy --quiet "oci:$layout:$version" "oci-archive:$layout.tar:kb:$version"
  echo "package: $layout.tar" >&2
fi
echo "package: $layout (image kb:$version)" >&2
