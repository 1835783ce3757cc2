/** One way of sending the same GET to a target, driven by a closed loop. */
export interface LoadClient {
  /** Sends one request and resolves once its whole body was read; rejects on an error or a non-2xx status. */
  get(): Promise<void>;
  /** Closes every connection the client opened. */
  close(): Promise<void>;
}
