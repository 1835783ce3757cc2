import { request } from 'undici';

/** An active health probe: resolves true when `origin` answers `path` as healthy. Must honour `signal`. */
export type HealthProbe = (origin: string, path: string, signal: AbortSignal) => Promise<boolean>;

/** The default probe: `GET origin+path` with undici; healthy on a 2xx status. The body is drained. */
export const httpProbe: HealthProbe = async (origin, path, signal) => {
  const response = await request(new URL(path, origin), { method: 'GET', signal });
  await response.body.dump();
  return response.statusCode >= 200 && response.statusCode < 300;
};
