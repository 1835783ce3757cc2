/** Container identifier of the `NetworkClientOptions` the bound `NetworkClient` is built with (package-local). */
export const CLIENT_OPTIONS: unique symbol = Symbol.for('slipstream.client.NetworkClientOptions');
