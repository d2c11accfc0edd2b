#!/usr/bin/env bash
# Builds Kaso's test guest from Debian packages: a small Linux (Debian's kernel, busybox-static and
# test/guest/init as the initramfs /init) for the architecture given as the only argument:
#   i386   (the default) Debian's 686 kernel, for v86;
#   amd64  Debian's amd64 kernel, for QEMU;
# as
#   guest.iso   bootable CD (isolinux, El Torito, made with xorriso)
#   guest.img   bootable raw disk: MBR (syslinux mbr.bin) + one FAT16 partition with syslinux, the kernel and
#               the initramfs, made without mounting (mtools, `syslinux --install`, sfdisk)
#   guest.vhd   the same disk as a dynamic VHD, written by Kaso's own `kaso disk convert`
#   vmlinuz, initrd.gz and the cmdline for direct kernel boot
# into ${KASO_CACHE:-$HOME/.cache/kaso}/guest/<key>/ (i386) or .../guest-amd64/<key>/ with a manifest.json. The
# key covers the exact versions of the Debian packages whose bits end up in the guest and this script's and the
# init's contents, so a rerun is instant and any change builds anew. The downloaded .debs are kept in
# .../guest/debs (.../guest-amd64/debs).
#
# Prints the manifest's path as the last line of stdout. Exit 0: built or already there; 1: failed;
# 3: cannot be built on this machine (no root to install what is missing, no Debian mirror), with the reason
# as the last line of stderr.
#
# Needs Debian (dpkg, apt). Root, or passwordless sudo, only for what is missing: the host tools and, when the
# guest's architecture is not the host's, that architecture in apt.
set -euo pipefail

arch="${1:-i386}"
case "$arch" in
  # The i386 cache folder has no suffix: it predates the other architectures.
  i386) flavour=686 cache_name=guest ;;
  amd64) flavour=amd64 cache_name=guest-amd64 ;;
  *) echo "usage: $0 [i386|amd64]" >&2; exit 1 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${KASO_CACHE:-$HOME/.cache/kaso}/$cache_name"
init_file="$here/init"
# cryptomgr.notests: the kernel's crypto self-tests take ~4 s of a ~14 s boot under v86; noisapnp: ~1 s of
# probing for ISA Plug and Play cards no emulator has.
cmdline="console=ttyS0 cryptomgr.notests noisapnp"
# The raw disk's size: 64 MiB rounded up to a size the VHD CHS geometry describes exactly (964 cylinders,
# 8 heads, 17 sectors), so the VHD has exactly the raw image's size and converts back to the same bytes.
disk_sectors=131104
part_start=2048

log() { echo "build-guest: $*" >&2; }
cannot() { log "cannot build the test guest here: $*"; echo "$*" >&2; exit 3; }

command -v dpkg >/dev/null && command -v apt-get >/dev/null || cannot "not a Debian system (no dpkg/apt-get)"

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(none); fi
fi
root() {
  [ "${as_root[0]:-}" != none ] || cannot "needs root (or passwordless sudo) to: $*"
  "${as_root[@]}" "$@"
}

apt_updated=0
apt_update() {
  [ $apt_updated -eq 0 ] || return 0
  apt_updated=1
  log "apt-get update"
  # A mirror mid-sync fails one index now and then; what matters is whether the packages resolve after.
  root apt-get update -q >&2 || log "apt-get update reported errors (continuing; checking the packages)"
}

# --- host tools and the guest's architecture -----------------------------------------------------------------
if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  log "adding the $arch architecture to dpkg"
  root dpkg --add-architecture "$arch"
  apt_update
fi
tools=(xorriso isolinux syslinux syslinux-common mtools cpio fdisk)
missing=()
for p in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt_update
  root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    cannot "could not install ${missing[*]} (no Debian mirror?)"
fi

# --- which packages -----------------------------------------------------------------------------------------
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true; }
# The kernel package the metapackage (linux-image-686, linux-image-amd64) currently depends on.
kernel_pkg() {
  apt-cache depends "linux-image-$flavour:$arch" 2>/dev/null |
    sed -n "s/^ *Depends: \(linux-image-[^ ]*-$flavour\)\(:$arch\)\{0,1\}\$/\1/p" | head -1 || true
}
# Each apt-cache call takes a second where apt keeps no binary cache (as in Docker images), so the answers are
# remembered for as long as apt's package lists, sources and architectures stay the same.
apt_state() {
  { cat /var/lib/dpkg/arch 2>/dev/null
    ls -l --full-time /var/lib/apt/lists/ /etc/apt/sources.list /etc/apt/sources.list.d/ /etc/apt/preferences.d/ 2>/dev/null || true
  } | sha256sum | cut -c1-16
}
resolve() {
  kpkg="$(kernel_pkg)"
  kver=""; bver=""
  [ -z "$kpkg" ] || kver="$(candidate "$kpkg:$arch")"
  bver="$(candidate "busybox-static:$arch")"
}
mkdir -p "$cache"
resolved="$cache/.resolved-$(apt_state)"
if [ -s "$resolved" ]; then
  read -r kpkg kver bver < "$resolved"
else
  resolve
  if [ -z "$kpkg" ] || [ -z "$kver" ] || [ -z "$bver" ]; then
    apt_update
    resolve
  fi
  [ -n "$kpkg" ] || cannot "apt knows no linux-image-$flavour:$arch (no Debian mirror reachable?)"
  [ -n "$kver" ] && [ -n "$bver" ] || cannot "apt has no candidate for $kpkg:$arch or busybox-static:$arch"
  rm -f "$cache"/.resolved-*
  echo "$kpkg $kver $bver" > "$cache/.resolved-$(apt_state)"
fi
installed() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

packages_json="$(printf '{"%s":"%s","busybox-static":"%s","syslinux":"%s","syslinux-common":"%s","isolinux":"%s"}' \
  "$kpkg" "$kver" "$bver" "$(installed syslinux)" "$(installed syslinux-common)" "$(installed isolinux)")"
key="$(
  { echo "$packages_json"; sha256sum "${BASH_SOURCE[0]}" "$init_file" | cut -d' ' -f1; } | sha256sum | cut -c1-16
)"
out="$cache/$key"
if [ -f "$out/manifest.json" ]; then
  echo "$out/manifest.json"
  exit 0
fi

# One build at a time (tests in parallel workers may all ask); whoever waited finds it built.
exec 9>"$cache/.lock"
flock 9
if [ -f "$out/manifest.json" ]; then
  echo "$out/manifest.json"
  exit 0
fi
SECONDS=0
log "building $arch $key ($kpkg $kver, busybox-static $bver)"

# Only the lock holder builds: a build folder left now is from a build that was killed.
rm -rf "$cache"/.build-*
work="$(mktemp -d "$cache/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# --- download and extract ----------------------------------------------------------------------------------
debs="$cache/debs"
mkdir -p "$debs"
deb_file() { echo "$debs/${1}_${2//:/%3a}_$arch.deb"; }
kdeb="$(deb_file "$kpkg" "$kver")"
bdeb="$(deb_file busybox-static "$bver")"
want=()
[ -s "$kdeb" ] || want+=("$kpkg:$arch=$kver")
[ -s "$bdeb" ] || want+=("busybox-static:$arch=$bver")
if [ ${#want[@]} -gt 0 ]; then
  log "downloading ${want[*]}"
  # apt-get download drops privileges to _apt when it can; it fetches into the current folder.
  (cd "$work" && apt-get download -q -o APT::Sandbox::User=root "${want[@]}" >&2) ||
    cannot "could not download ${want[*]} (no Debian mirror reachable?)"
  mv "$work"/*.deb "$debs/"
fi
[ -s "$kdeb" ] && [ -s "$bdeb" ] || { log "expected $kdeb and $bdeb after the download"; exit 1; }
dpkg-deb -x "$kdeb" "$work/kernel"
dpkg-deb -x "$bdeb" "$work/busybox"
vmlinuz="$(ls "$work"/kernel/boot/vmlinuz-* | head -1)"
moddir="$(ls -d "$work"/kernel/lib/modules/* | head -1)"

# --- initramfs ---------------------------------------------------------------------------------------------
root_fs="$work/initramfs"
mkdir -p "$root_fs"/{bin,dev,etc,lib/modules,mnt,proc,root,sys,tmp}
cp "$work/busybox/bin/busybox" "$root_fs/bin/busybox"
ln -s busybox "$root_fs/bin/sh"
install -m 0755 "$init_file" "$root_fs/init"
# The kernel's built-in initramfs has /dev/console already; a node of our own is only for safety.
mknod -m 0600 "$root_fs/dev/console" c 5 1 2>/dev/null || true

# Modules by name (modinfo names use _ where files may use -), then the load order: dependencies first.
declare -A ko_path=() ko_seen=()
while IFS= read -r f; do
  n="$(basename "$f" .ko)"
  ko_path[${n//-/_}]="$f"
done < <(find "$moddir/kernel" -name '*.ko')
order=()
visit() {
  local n="${1//-/_}" d deps
  [ -z "${ko_seen[$n]:-}" ] || return 0
  ko_seen[$n]=1
  [ -n "${ko_path[$n]:-}" ] || { log "module $1 is not in this kernel (left out)"; return 0; }
  deps="$(tr '\0' '\n' < "${ko_path[$n]}" | sed -n 's/^depends=//p' | head -1)"
  for d in ${deps//,/ }; do visit "$d"; done
  order+=("$n")
}
wanted="$(sed -n 's/^KASO_MODULES="\(.*\)"$/\1/p' "$init_file")"
[ -n "$wanted" ] || { log "no KASO_MODULES line in $init_file"; exit 1; }
for m in $wanted; do visit "$m"; done
for n in "${order[@]}"; do
  cp "${ko_path[$n]}" "$root_fs/lib/modules/$n.ko"
  echo "$n" >> "$root_fs/lib/modules/load-order"
done
# On-demand modules (KASO_ON_DEMAND_MODULES): in the initramfs, loaded only by `kaso-load NAME`, which reads
# /lib/modules/NAME.order (what the boot did not load already, dependencies first).
ondemand="$(sed -n 's/^KASO_ON_DEMAND_MODULES="\(.*\)"$/\1/p' "$init_file")"
for m in $ondemand; do
  order=()
  visit "$m"
  : > "$root_fs/lib/modules/${m//-/_}.order"
  for n in "${order[@]}"; do
    cp "${ko_path[$n]}" "$root_fs/lib/modules/$n.ko"
    echo "$n" >> "$root_fs/lib/modules/${m//-/_}.order"
  done
done
(cd "$root_fs" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) | gzip -9n > "$work/initrd.gz"
cp "$vmlinuz" "$work/vmlinuz"

# --- ISO (isolinux) ----------------------------------------------------------------------------------------
iso_root="$work/iso"
mkdir -p "$iso_root/isolinux" "$iso_root/boot"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso_root/isolinux/"
cp "$work/vmlinuz" "$work/initrd.gz" "$iso_root/boot/"
printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL /boot/vmlinuz\n  APPEND initrd=/boot/initrd.gz %s\n' \
  "$cmdline" > "$iso_root/isolinux/isolinux.cfg"
# (xorriso always prints a banner: its output is shown only when it fails)
xorriso -as mkisofs -quiet -o "$work/guest.iso" -V KASO_GUEST -J -R \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
  "$iso_root" > "$work/xorriso.log" 2>&1 || { cat "$work/xorriso.log" >&2; exit 1; }

# --- raw disk: MBR + FAT16 partition with syslinux, built without mounting -------------------------------------
part_sectors=$((disk_sectors - part_start))
part="$work/part.img"
truncate -s $((part_sectors * 512)) "$part"
# -H: hidden sectors = the partition's start, which the boot sector needs to find itself on the disk.
mformat -i "$part" -T "$part_sectors" -h 8 -s 17 -H "$part_start" -v KASO-GUEST ::
printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 0\nLABEL linux\n  KERNEL /vmlinuz\n  APPEND initrd=/initrd.gz %s\n' \
  "$cmdline" > "$work/syslinux.cfg"
mcopy -i "$part" "$work/vmlinuz" "$work/initrd.gz" "$work/syslinux.cfg" ::
syslinux --install "$part"
disk="$work/guest.img"
truncate -s $((disk_sectors * 512)) "$disk"
printf 'label: dos\nstart=%d, size=%d, type=6, bootable\n' "$part_start" "$part_sectors" | sfdisk -q "$disk" >&2
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$disk" bs=440 count=1 conv=notrunc status=none
dd if="$part" of="$disk" bs=1M seek=$((part_start * 512)) oflag=seek_bytes conv=notrunc,sparse status=none
rm "$part"

# --- VHD with Kaso's own CLI ---------------------------------------------------------------------------------
if [ ! -f "$repo/dist/main/cli/kaso.js" ]; then
  log "building Kaso (npm run build) for kaso disk convert"
  (cd "$repo" && npm run build --silent >&2)
fi
node "$repo/bin/kaso.js" disk convert "$disk" "$work/guest.vhd" --type dynamic >&2

# --- publish ----------------------------------------------------------------------------------------------
final="$work/out"
mkdir -p "$final/debs"
mv "$work/vmlinuz" "$work/initrd.gz" "$work/guest.iso" "$work/guest.img" "$work/guest.vhd" "$final/"
# The .debs the guest came from, next to it (hard links into $debs: no second copy).
ln -f "$kdeb" "$bdeb" "$final/debs/" 2>/dev/null || cp "$kdeb" "$bdeb" "$final/debs/"
OUT="$out" CMDLINE="$cmdline" PACKAGES="$packages_json" ARCH="$arch" node -e '
  const { OUT, CMDLINE, PACKAGES, ARCH } = process.env;
  const at = (name) => require("node:path").join(OUT, name);
  const manifest = {
    kernel: at("vmlinuz"), initrd: at("initrd.gz"), cmdline: CMDLINE, iso: at("guest.iso"), vhd: at("guest.vhd"),
    rawImage: at("guest.img"), packages: JSON.parse(PACKAGES), built: new Date().toISOString(),
    // i386 manifests have no arch: they predate the others, and readers take its absence as i386.
    ...(ARCH === "i386" ? {} : { arch: ARCH }),
  };
  process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
' > "$final/manifest.json"
rm -rf "$out"
mv "$final" "$out"

# Keep the three newest builds; older keys are from older versions of this script or the packages.
# shellcheck disable=SC2012
ls -1dt "$cache"/*/manifest.json 2>/dev/null | tail -n +4 | while IFS= read -r m; do rm -rf "$(dirname "$m")"; done
# ... and the .debs that no kept build links to any more.
find "$debs" -name '*.deb' -links 1 -delete

log "built in ${SECONDS} s: $out"
echo "$out/manifest.json"
