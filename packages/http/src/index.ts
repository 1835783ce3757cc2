export { PoolManager } from './PoolManager';
export { BorrowedDispatcher } from './dispatcher/BorrowedDispatcher';
export { PoolDispatcher } from './dispatcher/PoolDispatcher';
export { HttpResponse } from './response/HttpResponse';
export { HttpStreamResponse, type BodyMeter } from './response/HttpStreamResponse';
export type { HttpRequest, HttpRequestOptions } from './response/HttpRequest';
export { isStreamedBody, type RequestBody, type StreamedBody } from './response/RequestBody';
export {
  POOL_DEFAULTS,
  ORIGIN_DEFAULTS,
  resolvePoolOptions,
  type PoolManagerOptions,
  type OriginSettings,
  type ResolvedPoolOptions,
} from './options/PoolManagerOptions';
export { ACCEPT_ENCODING } from './compression/codecs';
export { ResponseTooLargeError } from './errors/ResponseTooLargeError';
export { toSlipstreamError } from './errors/toSlipstreamError';
export { HTTP_OPTIONS } from './HTTP_OPTIONS';
export { httpModule, type HttpModuleOptions } from './httpModule';
export type { HttpPoolStats } from './stats/HttpPoolStats';
export { validateRequest, type RequestShape } from './request/validateRequest';
