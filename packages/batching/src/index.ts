export { RequestBatcher } from './RequestBatcher';
export { DEFAULTS, resolveBatcherOptions } from './RequestBatcherOptions';
export { batchingSettings } from './batchingSettings';
export type { RequestBatcherOptions, ResolvedBatcherOptions } from './RequestBatcherOptions';
export type { CallOptions, CallPriority, NotifyOptions } from './CallOptions';
export type { BatchSender, EncodedBatch } from './BatchSender';
export type {
  BatchCall,
  BatchCodec,
  BatchOutcome,
  BatchResponse,
  EncodedBody,
  EncodedCall,
} from './codecs/BatchCodec';
export { JsonRpcCodec } from './codecs/JsonRpcCodec';
export { compressBody } from './compression/compressBody';
export type { CompressedBody } from './compression/compressBody';
export { MissingRpcResponseError } from './errors/MissingRpcResponseError';
export { DuplicateRpcResponseError } from './errors/DuplicateRpcResponseError';
export { mergeBatchStats } from './stats/mergeBatchStats';
