/** Request header carrying a JSON `Behaviour` laid over the matching rule, for this request only. */
export const BEHAVIOUR_HEADER = 'x-testkit-behaviour';

/** Response header naming the upstream that answered (its `name`), on every answer, forwarded ones included. */
export const UPSTREAM_HEADER = 'x-testkit-upstream';
