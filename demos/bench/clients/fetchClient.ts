import { assertOk } from './assertOk';
import type { LoadClient } from './LoadClient';

/** The global `fetch` with its default (global) dispatcher. */
export function fetchClient(url: URL): LoadClient {
  const href = url.href;
  return {
    async get() {
      const res = await fetch(href);
      await res.arrayBuffer();
      assertOk(res.status);
    },
    close: () => Promise.resolve(),
  };
}
