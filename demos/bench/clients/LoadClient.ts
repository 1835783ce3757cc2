/** One way of sending the same GET to a target, driven by a closed loop. */
export interface LoadClient {
  /** Sends one request and resolves once its whole body was read; rejects on an error or a non-2xx status. */
  get(): Promise<void>;
  /** Closes every connection the client opened. */
  close(): Promise<void>;
}

/** The benchmark variants of `clients`: one `get()` each, by the same names. */
export function variantsOf<K extends string>(clients: Record<K, LoadClient>): Record<K, () => Promise<void>> {
  const variants = {} as Record<K, () => Promise<void>>;
  for (const name of Object.keys(clients) as K[]) variants[name] = () => clients[name].get();
  return variants;
}
