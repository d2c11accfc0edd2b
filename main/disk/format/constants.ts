/** Numbers fixed by the VHD specification (Microsoft, 2006). All integers on disk are big-endian. */
export const SECTOR = 512;
export const FOOTER_SIZE = 512;
export const DYNAMIC_HEADER_SIZE = 1024;
export const FOOTER_COOKIE = 'conectix';
export const HEADER_COOKIE = 'cxsparse';
export const FORMAT_VERSION = 0x0001_0000;
export const HEADER_VERSION = 0x0001_0000;
export const FEATURES_RESERVED = 0x0000_0002;
export const NO_DATA_OFFSET = 0xffff_ffff_ffff_ffffn;
export const BAT_UNUSED = 0xffff_ffff;
export const DEFAULT_BLOCK_SIZE = 2 * 1024 * 1024;
export const MIN_BLOCK_SIZE = 512 * 8; // one bitmap byte's worth would be absurdly small; 4 KiB is the practical floor
export const MAX_BLOCK_SIZE = 256 * 1024 * 1024;
/** Hyper-V and Virtual PC refuse larger VHDs; the sector bitmap layout stays sane below it. */
export const MAX_VHD_SIZE = 2040 * 1024 * 1024 * 1024;
/** VHD epoch: 2000-01-01T00:00:00Z, in Unix seconds. */
export const VHD_EPOCH_UNIX = 946_684_800;

export enum DiskType {
  Fixed = 2,
  Dynamic = 3,
  Differencing = 4,
}

/** Parent locator platform codes (as big-endian u32 read from the header). */
export const PlatformCode = {
  None: 0,
  Wi2r: 0x5769_3272, // deprecated: relative path, ANSI
  Wi2k: 0x5769_326b, // deprecated: absolute path, ANSI
  W2ru: 0x5732_7275, // relative path, UTF-16LE
  W2ku: 0x5732_6b75, // absolute path, UTF-16LE
  Mac: 0x4d61_6320, // Mac OS alias blob
  MacX: 0x4d61_6358, // file URL, UTF-8
} as const;

/** What Kaso writes in the footer's creator fields. */
export const KASO_CREATOR_APP = 'kaso';
export const KASO_CREATOR_VERSION = 0x0001_0000;
export const CREATOR_HOST_OS = 'Wi2k';
