import {
  RequestTimeoutError,
  type AttemptObservation,
  type CompressionAlgorithm,
  type OutcomeKind,
  type RequestObservation,
} from '@slipstream/contracts';
import type { Cluster, EndpointState } from '@slipstream/balancer';
import {
  HttpStreamResponse,
  type HttpRequest,
  type HttpRequestOptions,
  type HttpResponse,
  validateRequest,
} from '@slipstream/http';
import {
  classifyAttemptError,
  classifyError as classifyOutcome,
  isRetryableOutcome,
  OUTCOME_EFFECTS as OUTCOME_EFFECTS_EXPORT,
  type BreakerExecuteOptions,
  type RetryAttempt,
  type RetryExecuteOptions,
} from '@slipstream/resilience';
import type { ResolvedRoute, RoutePolicy, Permit } from '@slipstream/routing';
import type { ClientRequest, ClientRequestOptions } from '../ClientRequest';
import type { BodyCut } from './BodyCut';
import type { StepContext } from './PipelineStep';

/**
 * Read once here: a package's index re-exports its members through getters (the CommonJS output
 * of tsc and esbuild), and reading one per request through its import costs ~15–30 ns a time
 * (measured under tsx, Node 20), several times per request.
 */
const OUTCOME_EFFECTS = OUTCOME_EFFECTS_EXPORT;

/** The endpoint label of an outcome that reached no endpoint (shed, no route). */
export const NO_ENDPOINT = '(none)';
/** The headers steps and observers read for a request without any. */
const NO_HEADERS: Record<string, string> = Object.freeze({});

/** What the learn and record steps read of a response, buffered or streamed. */
export type ResponseFigures = Pick<
  HttpResponse,
  'statusCode' | 'bytesOutLogical' | 'bytesOutWire' | 'bytesInLogical' | 'bytesInWire'
>;

/**
 * One request on its way through the pipeline. It doubles as the options object of the
 * scheduler, the retry policy and the breaker, so a request allocates no option bags.
 */
export class Exchange implements StepContext, RetryExecuteOptions, BreakerExecuteOptions<HttpResponse> {
  readonly signal: AbortSignal | undefined;
  /** The cluster's name (the breakers' options are per cluster). */
  readonly cluster: string;
  readonly bucket: ResolvedRoute['bucket'];
  readonly deadline: number | undefined;
  readonly start = performance.now();
  /** The route's request-body compression; undefined: the origin's. */
  readonly compression: CompressionAlgorithm | undefined;
  /** The pool drops the breaker's signal when a request settles, so the breaker may reuse it. */
  readonly releasesSignal = true;
  /** What the breaker step gives the breaker: the exchange itself, or a stream's (`streamBreakerOptions`). */
  breakerOptions: BreakerExecuteOptions<HttpResponse> | BreakerExecuteOptions<HttpStreamResponse> = this;
  /** The admission permit, once granted. */
  permit: Permit | undefined;
  /** When the response (its headers, for a stream) arrived; 0: not yet, or a buffered request. */
  respondedAt = 0;
  endpoint = NO_ENDPOINT;
  /** The endpoint the pick step chose for the attempt under way. */
  picked: EndpointState | undefined;
  /** The error the rest of the chain gave the added steps, to tell it from theirs (`AddedSteps`). */
  downstreamError: unknown = undefined;
  /** The stream the rest of the chain gave the added steps, to let go of it when they hand over another or fail (`AddedSteps`). */
  downstreamStream: HttpStreamResponse | undefined;
  /** When the attempt under way was handed to the pool (`performance.now()`); its response's `queuedMs` of that was the wait for a connection. */
  sentAt = 0;
  /** The breaker's signal of the attempt under way (aborted when the breaker or the caller gives up on it). */
  attemptSignal: AbortSignal | undefined;
  /** A stream's 5xx/429 response held back while the retry policy decides; dumped when it retries. */
  held: HttpStreamResponse | undefined;
  /** The endpoint a stream's body comes from, with its time to the headers: it learns the body's end. */
  bodyFrom: EndpointState | undefined;
  bodyRttMs = 0;
  /** What cuts a stream's body when the caller aborts, until the body is over. */
  bodyCut: BodyCut | undefined;
  /** The retry policy's view of the attempt under way, when the retry step applies. */
  attempt: RetryAttempt | undefined;
  /** The classifier's verdict on the last attempt, and the error it ended with (if any). */
  outcome: OutcomeKind = 'success';
  attemptError: unknown = undefined;
  /**
   * Checks the body of an attempt's 2xx response before the attempt is classified (`SendStep`):
   * what it throws is the attempt's error, an upstream failure (a JSON-RPC batch's malformed
   * answer). Set by the client for its own batches only; a stream's attempts ignore it.
   */
  checkBody: ((response: HttpResponse) => void) | undefined = undefined;
  /** The route's extra retryable statuses (`policy.retryOn`). */
  readonly retryOn: readonly number[] | undefined;
  /** The route's per-attempt time limit (`policy.perTryTimeoutMs`), ms. */
  readonly perTryTimeoutMs: number | undefined;
  /** The observers' view of this request; undefined when no observer is bound. */
  observation: RequestObservation | undefined;
  /** The observers' view of the attempt under way. */
  attemptObservation: AttemptObservation | undefined;
  /** The headers of the attempt under way, when observers may add to them (a copy per attempt). */
  attemptHeaders: Record<string, string> | undefined;
  /** Attempts started (retries and hedges included); counted on the request's own exchange. */
  attempts = 0;
  /** The request's own exchange (a hedged attempt's view points back to it). */
  root: Exchange = this;
  /** 0 for the primary attempt, n for the n-th hedge. */
  hedgeIndex = 0;
  /** The route's hedging policy, when this request may be hedged (idempotent). */
  readonly hedge: RoutePolicy['hedge'];

  constructor(
    readonly req: ClientRequest,
    readonly opts: ClientRequestOptions,
    readonly method: string,
    readonly route: ResolvedRoute | undefined,
    readonly balancer: Cluster,
    readonly qosClass: string,
    readonly idempotent: boolean,
    /** Whether the retry step applies: idempotent, and the route does not forbid retries. */
    readonly retry: boolean,
    /** The route's `policy.retries`; undefined: the retry policy's own. */
    readonly maxRetries: number | undefined,
    /** The request's overall time limit, ms (its `deadline` from now); undefined without one. */
    readonly timeoutMs: number | undefined,
    readonly fallback: BreakerExecuteOptions<HttpResponse>['fallback'],
  ) {
    this.signal = opts.signal;
    this.cluster = balancer.name;
    this.bucket = route?.bucket;
    this.deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    this.compression = route?.policy.compression;
    this.retryOn = route?.policy.retryOn;
    this.perTryTimeoutMs = route?.policy.perTryTimeoutMs;
    this.hedge = idempotent ? route?.policy.hedge : undefined;
  }

  get path(): string {
    return this.req.path;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.attemptHeaders ?? this.req.headers ?? NO_HEADERS;
  }

  get routeId(): string | undefined {
    return this.route?.id;
  }

  /** See `StepContext.setHeader`. */
  setHeader(name: string, value: string): void {
    validateRequest({ path: this.req.path, headers: { [name]: value }, body: this.req.body });
    if (this.attemptHeaders === undefined) this.attemptHeaders = copyHeaders(this.req.headers);
    const headers = this.attemptHeaders;
    const lower = name.toLowerCase();
    for (const own of Object.keys(headers))
      if (own !== lower && own.toLowerCase() === lower) delete headers[own];
    headers[lower] = value;
  }

  /** Time left until the deadline, ms; undefined without one. */
  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(1, this.deadline - Date.now());
  }

  /** The pool request of an attempt on `endpoint`. */
  poolRequest(endpoint: EndpointState): HttpRequest {
    const req = this.req;
    return {
      origin: endpoint.origin,
      path: req.path,
      method: this.method,
      headers: this.attemptHeaders ?? req.headers,
      body: req.body,
    };
  }

  /** The time limit of one attempt: the per-try timeout, within what is left of the deadline, ms. */
  attemptTimeoutMs(): number | undefined {
    const remaining = this.remainingMs();
    const perTry = this.perTryTimeoutMs;
    if (perTry === undefined) return remaining;
    return remaining === undefined ? perTry : Math.min(perTry, remaining);
  }

  /**
   * The pool options of an attempt whose breaker gave it `signal`. A stream's breaker call ends
   * at the headers, and the caller's own signal cuts its body (`cutOnAbort`): its pool request
   * listens to the breaker's signal until the headers only, so the breaker may reuse it. The
   * breaker reuses its signals from attempt to attempt (`releasesSignal`): `reusedSignal`.
   */
  poolOptions(signal: AbortSignal, stream: boolean): HttpRequestOptions {
    return {
      signal,
      signalUntilHeaders: stream,
      reusedSignal: true,
      timeoutMs: this.attemptTimeoutMs(),
      idempotent: this.idempotent,
      compression: this.compression,
      decode: this.opts.decode,
    };
  }
}

/** A copy of `headers` that an attempt may add to. */
export function copyHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const copy: Record<string, string> = {};
  if (headers) for (const name of Object.keys(headers)) copy[name] = String(headers[name]);
  return copy;
}

/** Whether an attempt's response fails it (breaker and retry act on it): an upstream failure or overload, or a `retryOn` status. */
export function failsAttempt(
  outcome: OutcomeKind,
  status: number,
  retryOn: readonly number[] | undefined,
): boolean {
  return (
    OUTCOME_EFFECTS[outcome].endpoint === 'failure' ||
    (retryOn !== undefined && isRetryableOutcome(outcome, status, retryOn))
  );
}

/**
 * The error a request that failed with `error` rejects with: a timeout at the request's deadline
 * is named for the deadline (the attempt's own says what was left of it when it started, which
 * after a retry or a hedge is less than the caller asked for); any other error as it is.
 */
export function requestError(x: Exchange, error: unknown): unknown {
  if (!(error instanceof RequestTimeoutError) || x.deadline === undefined || Date.now() < x.deadline)
    return error;
  const attempts = `${x.attempts} attempt${x.attempts === 1 ? '' : 's'}`;
  return new RequestTimeoutError(
    error.unsent
      ? `the request's deadline of ${x.timeoutMs} ms passed while it waited in the client (${attempts})`
      : `no response within the request's deadline of ${x.timeoutMs} ms (${attempts})`,
    { cause: error },
    error.unsent,
  );
}

/** The verdict on an attempt that ended with `error` on the breaker's `signal`. */
export function attemptErrorOutcome(x: Exchange, signal: AbortSignal, error: unknown): OutcomeKind {
  return classifyAttemptError(error, { signal: x.signal, deadline: x.deadline, attemptSignal: signal });
}

/** The verdict on a logical request: its response's, its last attempt's, or that of an error raised around the attempts. */
export function requestOutcome(
  x: Exchange,
  response: ResponseFigures | undefined,
  error: unknown,
): OutcomeKind {
  if (error === undefined) return response === undefined ? 'success' : x.outcome;
  return error === x.attemptError ? x.outcome : classifyOutcome(error, x);
}

/**
 * A hedged attempt's view of `x`: the request's state through the prototype, its own signal
 * (aborted when another attempt wins or the caller aborts) and its own per-attempt fields (a
 * stream's held response and body state included).
 */
export function hedgeView(x: Exchange, signal: AbortSignal, index: number, attempt: RetryAttempt): Exchange {
  const view = Object.create(x) as Exchange;
  Object.defineProperty(view, 'signal', { value: signal });
  view.hedgeIndex = index;
  // A request's breaker options are the exchange itself; a stream's with a fallback are its own.
  view.breakerOptions = x.breakerOptions === x ? view : streamBreakerOptions(view);
  view.held = undefined;
  view.bodyFrom = undefined;
  view.bodyCut = undefined;
  view.attempt = attempt;
  view.attemptHeaders = undefined;
  view.attemptObservation = undefined;
  return view;
}

/** Dumps the body of the 5xx/429 stream held on `x`, if any (read and dropped, so its connection is reused). */
export function dump(x: Exchange): void {
  const held = x.held;
  x.held = undefined;
  held?.body.resume();
}

/**
 * Lets go of a stream that reached its headers on `x`'s attempt but will not be handed over (it
 * lost a hedge, or the attempt failed above the send step): the endpoint's count ends as a
 * cancellation (once: `bodyFrom` is cleared), and `response`'s body, when given, is destroyed so
 * its connection does not wait on a body nobody reads.
 */
export function abandonStream(x: Exchange, response?: HttpStreamResponse): void {
  const endpoint = x.bodyFrom;
  if (endpoint !== undefined) {
    x.bodyFrom = undefined;
    x.bodyCut?.stop();
    x.bodyCut = undefined;
    x.balancer.onEnd(endpoint, { rttMs: x.bodyRttMs, effect: OUTCOME_EFFECTS.cancelled.endpoint });
  }
  response?.body.destroy();
}

/**
 * The breaker options of a streamed attempt: the exchange itself (its signal, deadline, cluster,
 * and `releasesSignal`: see `Exchange.poolOptions`), with its fallback's response as a stream.
 */
export function streamBreakerOptions(x: Exchange): BreakerExecuteOptions<HttpStreamResponse> {
  const fallback = x.fallback;
  if (fallback === undefined)
    return x as BreakerExecuteOptions<unknown> as BreakerExecuteOptions<HttpStreamResponse>;
  return {
    signal: x.signal,
    deadline: x.deadline,
    cluster: x.cluster,
    releasesSignal: true,
    fallback: async (err) => HttpStreamResponse.of(await fallback(err)),
  };
}
