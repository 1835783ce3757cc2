import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import { request } from 'node:http';
import { UpstreamProcessError } from '../errors/UpstreamProcessError';
import { WaitTimeoutError } from '../errors/WaitTimeoutError';

/**
 * Calls the admin API of a spawned upstream (one connection per call, so nothing lingers)
 * and turns its error replies back into the errors the in-process upstream throws.
 */
export function adminRequest(
  adminPort: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: adminPort,
        method,
        path,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json: unknown = text === '' ? undefined : JSON.parse(text);
          const status = res.statusCode ?? 0;
          if (status < 300) return resolve(json);
          if (status === 400) return reject(new ConfigError((json as { issues: ConfigIssue[] }).issues));
          if (status === 408) {
            const w = json as { condition: string; timeoutMs: number; observed: number };
            return reject(new WaitTimeoutError(w.condition, w.timeoutMs, w.observed));
          }
          reject(new UpstreamProcessError(`admin ${method} ${path} answered ${status}: ${text}`));
        });
      },
    );
    req.on('error', (err) =>
      reject(new UpstreamProcessError(`admin ${method} ${path} failed: ${err.message}`, { cause: err })),
    );
    req.end(payload);
  });
}
