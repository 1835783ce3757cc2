import { RequestAbortedError } from '@slipstream/contracts';
import { HttpStreamResponse } from '@slipstream/http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ClientDispatcher, type DispatchTarget } from './ClientDispatcher';

const OPTS: Dispatcher.DispatchOptions = { origin: 'http://api', path: '/items', method: 'GET' };

/** Whether `check` holds within `turns` event-loop turns (bounded polling, no wall-clock assert). */
async function within(turns: number, check: () => boolean): Promise<boolean> {
  for (let turn = 0; turn < turns && !check(); turn++) await new Promise((resolve) => setImmediate(resolve));
  return check();
}

/** A pipeline whose every stream answers 200 with `body`. */
function targetOf(body: Readable): DispatchTarget {
  const meter = { bytesInWire: 0, bytesInLogical: 0 };
  return {
    stream: () => Promise.resolve(new HttpStreamResponse(200, { 'content-type': 'text/plain' }, body, meter)),
    clusterOf: () => 'api',
  };
}

/** A body the test feeds by hand. */
const handFed = (): Readable => new Readable({ read: () => undefined });

describe(ClientDispatcher, () => {
  describe('.dispatch()', () => {
    it('when a handler (undici.request and fetch style) returns false from onData, hands it no chunk until it resumes', async () => {
      const body = handFed();
      const seen: string[] = [];
      let resume: (() => void) | undefined;
      let completed = false;
      new ClientDispatcher(targetOf(body)).dispatch(OPTS, {
        onConnect: () => undefined,
        onHeaders: (_status, _headers, resumeBody) => {
          resume = resumeBody;
          return true;
        },
        onData: (chunk) => {
          seen.push(chunk.toString());
          return false;
        },
        onComplete: () => (completed = true),
        onError: (err) => {
          throw err;
        },
      });
      for (const chunk of ['a', 'b', 'c']) body.push(chunk);
      body.push(null);
      expect(await within(100, () => seen.length > 0)).toBe(true);
      expect(await within(20, () => seen.length > 1)).toBe(false);
      expect(seen).toEqual(['a']);
      resume!();
      expect(await within(100, () => seen.length > 1)).toBe(true);
      expect(await within(20, () => seen.length > 2)).toBe(false);
      resume!();
      expect(await within(100, () => completed)).toBe(true);
      expect(seen).toEqual(['a', 'b', 'c']);
    });

    it('when the handler aborts after the headers, destroys the body and hands onError a RequestAbortedError', async () => {
      const body = handFed();
      let error: Error | undefined;
      let chunks = 0;
      let abort: ((err?: Error) => void) | undefined;
      new ClientDispatcher(targetOf(body)).dispatch(OPTS, {
        onConnect: (abortRequest) => (abort = abortRequest),
        onHeaders: () => {
          abort!(new Error('enough'));
          return true;
        },
        onData: () => {
          chunks++;
          return true;
        },
        onComplete: () => undefined,
        onError: (err) => (error = err),
      });
      body.push('a');
      expect(await within(100, () => error !== undefined)).toBe(true);
      expect(RequestAbortedError.is(error)).toBe(true);
      expect(body.destroyed).toBe(true);
      expect(chunks).toBe(0);
    });

    it('when the handler throws from onComplete, hands it that error once through onError; no unhandled rejection', async () => {
      const body = handFed();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const errors: Error[] = [];
      try {
        new ClientDispatcher(targetOf(body)).dispatch(OPTS, {
          onConnect: () => undefined,
          onHeaders: () => true,
          onData: () => true,
          onComplete: () => {
            throw new Error('handler bug');
          },
          onError: (err) => {
            errors.push(err);
            throw err;
          },
        });
        body.push(null);
        expect(await within(100, () => errors.length > 0)).toBe(true);
        await new Promise((resolve) => setImmediate(resolve));
        expect(errors.map((e) => e.message)).toEqual(['handler bug']);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});
