import { turnOrder } from './turnOrder';

describe('turnOrder()', () => {
  it('runs the rotated order, then the same order backwards', () => {
    const names = ['a', 'b', 'c', 'd'];
    expect([0, 1, 2, 3, 8].map((t) => turnOrder(names, t).join(''))).toEqual([
      'abcd',
      'dcba',
      'bcda',
      'adcb',
      'abcd',
    ]);
  });

  it('runs every two variants once in each order over each pair of turns', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (let turn = 0; turn < 16; turn += 2) {
      const first = turnOrder(names, turn);
      const second = turnOrder(names, turn + 1);
      for (const x of names) {
        for (const y of names) {
          if (x === y) continue;
          const xFirst = (order: string[]): boolean => order.indexOf(x) < order.indexOf(y);
          expect(xFirst(first)).toBe(!xFirst(second));
        }
      }
    }
  });
});
