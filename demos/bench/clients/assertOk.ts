import { UpstreamStatusError } from '@slipstream/contracts';

/** Whether `status` is 2xx. */
export function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** The error a load client fails with on a non-2xx status. */
export function statusError(status: number): UpstreamStatusError {
  return new UpstreamStatusError(status, `upstream answered ${status}`);
}

/** Throws an `UpstreamStatusError` unless `status` is 2xx, so a closed loop counts the request as an error. */
export function assertOk(status: number): void {
  if (!isOk(status)) throw statusError(status);
}
