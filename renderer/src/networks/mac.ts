/**
 * MAC addresses for new adapters. The console makes them itself: locally administered (02), then "ka"
 * (6b:61) so a Kaso NIC is recognisable in a capture, then three random bytes. The host checks that the
 * address is unique in the library and refuses a collision beside the adapter (nics.N.mac).
 */
export const KASO_MAC_PREFIX = '02:6b:61';

const hex = (b: number) => b.toString(16).padStart(2, '0');

/** A random Kaso MAC, not one of `taken` (compared without regard to case or - / : separators). */
export function randomMac(taken: readonly string[] = [], random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const used = new Set(taken.map(normalizeMac));
  for (;;) {
    const mac = `${KASO_MAC_PREFIX}:${[...random(new Uint8Array(3))].map(hex).join(':')}`;
    if (!used.has(mac)) return mac;
  }
}

/** As the host stores it: lower case, colons. */
export function normalizeMac(mac: string): string {
  return mac.trim().toLowerCase().replace(/-/g, ':');
}
