/**
 * A size in bytes as people read it (512 B, 1.40 MiB, 16.0 GiB), the same in the CLI and the console.
 * It lives beside the contracts because both sides of them print sizes.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
