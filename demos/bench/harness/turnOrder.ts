/**
 * The order in which `names` take their blocks in turn `turn` of an interleaved load: turns go
 * in mirrored pairs, turn 2m running `names` rotated by m and turn 2m + 1 that same order
 * backwards. Over a pair every two variants run once in each order, so a carry-over from one
 * block to the next (garbage, warm or cold caches, connections) or a drift in machine load
 * falls on each side of a comparison alike; a plain rotation runs two variants k places apart
 * in one order in n − k of every n turns.
 */
export function turnOrder<K>(names: readonly K[], turn: number): K[] {
  const n = names.length;
  const shift = Math.floor(turn / 2) % n;
  const order = names.map((_, i) => names[(i + shift) % n]!);
  return turn % 2 === 0 ? order : order.reverse();
}
