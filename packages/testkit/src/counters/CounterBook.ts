import { WaitTimeoutError } from '../errors/WaitTimeoutError';
import type { RequestRecord, UpstreamCounters } from './UpstreamCounters';

type Totals = Omit<
  UpstreamCounters,
  'requests' | 'requestsByRoute' | 'requestsByStatus' | 'connectionsByRoute'
>;

const zero = (): Totals => ({
  connectionsAccepted: 0,
  connectionsOpen: 0,
  requestsReceived: 0,
  requestsServed: 0,
  resets: 0,
  inFlight: 0,
  peakConcurrency: 0,
  bytesInWire: 0,
  bytesInDecoded: 0,
  bytesOutWire: 0,
  bytesOutLogical: 0,
  rpcBatches: 0,
  rpcCalls: 0,
});

/** The upstream's mutable counters, and waiting on the in-flight count. */
export class CounterBook {
  private totals = zero();
  private byRoute = new Map<string, number>();
  private byStatus = new Map<string, number>();
  /** Per path: the connections seen carrying it, and how many. */
  private connectionsByRoute = new Map<string, { seen: WeakSet<object>; count: number }>();
  private log: RequestRecord[] = [];
  private readonly inFlightWatchers = new Set<() => void>();

  constructor(private readonly logSize: number) {}

  /** A connection was accepted; call the returned function when it closes. */
  connectionOpened(): () => void {
    this.totals.connectionsAccepted++;
    this.totals.connectionsOpen++;
    return () => {
      this.totals.connectionsOpen--;
    };
  }

  /** A request's headers arrived. */
  requestStarted(): void {
    this.totals.requestsReceived++;
    this.totals.inFlight++;
    this.totals.peakConcurrency = Math.max(this.totals.peakConcurrency, this.totals.inFlight);
    for (const watcher of this.inFlightWatchers) watcher();
  }

  /** A request ended, however it ended; `connection` (its socket) tells connections apart. */
  requestEnded(record: RequestRecord, connection?: object): void {
    const t = this.totals;
    t.inFlight = Math.max(0, t.inFlight - 1);
    t.bytesInWire += record.bytesInWire;
    t.bytesInDecoded += record.bytesInDecoded;
    t.bytesOutWire += record.bytesOutWire;
    t.bytesOutLogical += record.bytesOutLogical;
    if (record.outcome === 'reset') t.resets++;
    if (record.outcome === 'served') {
      t.requestsServed++;
      this.byRoute.set(record.path, (this.byRoute.get(record.path) ?? 0) + 1);
      if (connection !== undefined) this.countConnection(record.path, connection);
      const status = String(record.status);
      this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    }
    if (this.logSize > 0) {
      this.log.push(record);
      if (this.log.length > this.logSize) this.log.shift();
    }
  }

  private countConnection(path: string, connection: object): void {
    let route = this.connectionsByRoute.get(path);
    if (!route) this.connectionsByRoute.set(path, (route = { seen: new WeakSet(), count: 0 }));
    if (route.seen.has(connection)) return;
    route.seen.add(connection);
    route.count++;
  }

  /** A JSON-RPC body with `calls` calls arrived; `batch` when it was an array. */
  rpcReceived(calls: number, batch: boolean): void {
    this.totals.rpcCalls += calls;
    if (batch) this.totals.rpcBatches++;
  }

  /** A copy of the counters. */
  snapshot(): UpstreamCounters {
    return {
      ...this.totals,
      requestsByRoute: Object.fromEntries(this.byRoute),
      requestsByStatus: Object.fromEntries(this.byStatus),
      connectionsByRoute: Object.fromEntries(
        [...this.connectionsByRoute].map(([path, r]) => [path, r.count]),
      ),
      requests: this.log.map((r) => ({ ...r })),
    };
  }

  /** Zeroes every counter except the live gauges (open connections, in-flight requests). */
  reset(): void {
    const { connectionsOpen, inFlight } = this.totals;
    this.totals = { ...zero(), connectionsOpen, inFlight, peakConcurrency: inFlight };
    this.byRoute = new Map();
    this.byStatus = new Map();
    this.connectionsByRoute = new Map();
    this.log = [];
  }

  /** Resolves once `inFlight >= n`; rejects with `WaitTimeoutError` after `timeoutMs`. */
  waitForInFlight(n: number, timeoutMs: number): Promise<void> {
    if (this.totals.inFlight >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const watcher = (): void => {
        if (this.totals.inFlight < n) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new WaitTimeoutError(`inFlight >= ${n}`, timeoutMs, this.totals.inFlight));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.inFlightWatchers.delete(watcher);
      };
      this.inFlightWatchers.add(watcher);
    });
  }
}
