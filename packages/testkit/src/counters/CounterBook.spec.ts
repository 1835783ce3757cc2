import { WaitTimeoutError } from '../errors/WaitTimeoutError';
import { CounterBook } from './CounterBook';
import type { RequestRecord } from './UpstreamCounters';

const record = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  method: 'GET',
  path: '/a',
  status: 200,
  contentEncoding: 'identity',
  bytesInWire: 10,
  bytesInDecoded: 20,
  bytesOutWire: 5,
  bytesOutLogical: 8,
  outcome: 'served',
  ...over,
});

describe(CounterBook, () => {
  describe('.requestEnded()', () => {
    it('sums bytes and counts served requests by route and status', () => {
      const book = new CounterBook(1);
      book.requestStarted();
      book.requestStarted();
      book.requestEnded(record());
      book.requestEnded(record({ outcome: 'reset', status: 0 }));

      expect(book.snapshot()).toMatchObject({
        requestsReceived: 2,
        requestsServed: 1,
        resets: 1,
        inFlight: 0,
        peakConcurrency: 2,
        bytesInWire: 20,
        bytesInDecoded: 40,
        requestsByRoute: { '/a': 1 },
        requestsByStatus: { '200': 1 },
      });
      expect(book.snapshot().requests).toHaveLength(1);
    });

    it('counts the distinct connections that carried each route, afresh after a reset', () => {
      const book = new CounterBook(0);
      const [one, two] = [{}, {}];
      for (const [path, connection] of [
        ['/a', one],
        ['/a', one],
        ['/a', two],
        ['/b', one],
      ] as const) {
        book.requestStarted();
        book.requestEnded(record({ path }), connection);
      }
      expect(book.snapshot().connectionsByRoute).toEqual({ '/a': 2, '/b': 1 });
      book.reset();
      book.requestStarted();
      book.requestEnded(record(), one);
      expect(book.snapshot().connectionsByRoute).toEqual({ '/a': 1 });
    });
  });

  describe('.reset()', () => {
    it('keeps the live gauges', () => {
      const book = new CounterBook(10);
      const closed = book.connectionOpened();
      book.requestStarted();

      book.reset();

      expect(book.snapshot()).toMatchObject({ connectionsOpen: 1, inFlight: 1, connectionsAccepted: 0 });
      closed();
      expect(book.snapshot().connectionsOpen).toBe(0);
    });
  });

  describe('.waitForInFlight()', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('when the count is reached, resolves', async () => {
      const book = new CounterBook(0);
      const waiting = book.waitForInFlight(2, 1_000);
      book.requestStarted();
      book.requestStarted();

      await expect(waiting).resolves.toBeUndefined();
      expect(jest.getTimerCount()).toBe(0);
    });

    it('when the timeout passes first, rejects with WaitTimeoutError', async () => {
      const book = new CounterBook(0);
      book.requestStarted();
      const waiting = book.waitForInFlight(3, 1_000);

      jest.advanceTimersByTime(1_000);

      await expect(waiting).rejects.toMatchObject({
        code: WaitTimeoutError.code,
        observed: 1,
        timeoutMs: 1_000,
      });
    });
  });
});
