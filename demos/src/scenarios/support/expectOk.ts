import { UpstreamStatusError } from '@slipstream/contracts';
import type { HttpResponse } from '@slipstream/http';

/** Returns `res` when its status is 2xx; throws `UpstreamStatusError` otherwise. */
export function expectOk(res: HttpResponse): HttpResponse {
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new UpstreamStatusError(res.statusCode, `upstream answered ${res.statusCode}`);
  }
  return res;
}
