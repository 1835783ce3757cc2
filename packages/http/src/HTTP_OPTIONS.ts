/** Container identifier of the `PoolManagerOptions` the `PoolManager` is built with (package-local). */
export const HTTP_OPTIONS: unique symbol = Symbol.for('slipstream.http.PoolManagerOptions');
