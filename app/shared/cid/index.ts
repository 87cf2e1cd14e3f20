export {
  cidToMultihashBytes,
  cidV0,
  fileMultihash,
  isCidV0,
  multihashBytesToCid,
  UNIXFS_CHUNK_SIZE,
  UNIXFS_MAX_LINKS,
} from './cid-v0.ts';
export { actionFileName } from './action-file.ts';
