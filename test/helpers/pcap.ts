/** The frames of a classic .pcap file (little-endian, Ethernet), for tests to check what a capture holds. */
export function framesOf(file: Buffer): { src: string; dst: string; data: Buffer }[] {
  if (file.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap file');
  if (file.readUInt32LE(20) !== 1) throw new Error('not an Ethernet capture');
  const frames: { src: string; dst: string; data: Buffer }[] = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const len = file.readUInt32LE(at + 8);
    const data = file.subarray(at + 16, at + 16 + len);
    const mac = (o: number) => [...data.subarray(o, o + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
    frames.push({ dst: mac(0), src: mac(6), data });
    at += 16 + len;
  }
  return frames;
}
