import type { OutcomeKind } from '@slipstream/contracts';
import type { ErrorKind } from './ErrorKind';

/** The labels of one request series. */
export interface SeriesLabels {
  cluster: string;
  /** The endpoint's origin, `http://host:port`. */
  endpoint: string;
  /** The route id. */
  route: string;
  /** The QoS class. */
  qosClass: string;
}

/** What the pipeline reports about one completed (or failed) request. */
export interface RequestOutcome extends SeriesLabels {
  /** Time from admission to completion, ms. */
  durationMs: number;
  /** The response status, when a response arrived. */
  status?: number;
  /** Why it failed, in detail (`classifyError` turns a thrown error into one); absent: derived from `status`, else a success. */
  errorKind?: ErrorKind;
  /**
   * The outcome classifier's verdict; only `upstream_failure` counts as an error (error rate,
   * health). Absent: derived from `errorKind` (`ERROR_KIND_OUTCOME`), else from `status`.
   */
  outcome?: OutcomeKind;
  /** Request body bytes before compression. */
  bytesOutLogical?: number;
  /** Request body bytes as sent. */
  bytesOutWire?: number;
  /** Response body bytes after decompression. */
  bytesInLogical?: number;
  /** Response body bytes as received. */
  bytesInWire?: number;
}
