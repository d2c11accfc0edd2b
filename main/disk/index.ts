/** The VHD library: the one import the host service, engines and CLI use. */
export type { BlockDevice } from './block-device.js';
export type { Disk, DiskKind } from './disk.js';
export { chainOf } from './disk.js';
export { DiskError, isDiskError, type DiskErrorCode } from './errors.js';
export type { JobOptions } from './job.js';
export { openDisk, type OpenOptions } from './open.js';
export { createDynamic, createFixed, createDifferencing, createLinked, type CreateResult } from './create.js';
export { diskInfo, formatInfo, humanSize, type DiskInfo } from './info.js';
export { checkDisk, type CheckReport, type Finding, type Severity } from './check.js';
export { convertDisk, type ConvertOptions, type ConvertResult, type OutputType } from './convert.js';
export { compactDisk, type CompactResult } from './compact.js';
export { mergeDisk, type MergeOptions, type MergeResult } from './merge.js';
export { expandDisk, type ExpandResult } from './expand.js';
export { reparentDisk, type ReparentResult } from './reparent.js';
export { findDependents } from './dependents.js';
export { DEFAULT_BLOCK_SIZE, MAX_VHD_SIZE } from './format/constants.js';
export { interoperableSize } from './format/geometry.js';
export { replaceAtomically } from './atomic-file.js';
