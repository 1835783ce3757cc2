import { BusUnavailableError } from '@slipstream/contracts';

import { PublishBuffer } from './PublishBuffer';

describe(PublishBuffer, () => {
  describe('.hold()', () => {
    it('when the bound of messages or bytes is reached, rejects at once with BusUnavailableError', async () => {
      const buffer = new PublishBuffer(2, 100);
      const send = jest.fn(() => Promise.resolve());
      void buffer.hold('t', 10, send);
      void buffer.hold('t', 10, send);
      await expect(buffer.hold('t', 10, send)).rejects.toBeInstanceOf(BusUnavailableError);
      const bytes = new PublishBuffer(10, 15);
      void bytes.hold('t', 10, send);
      await expect(bytes.hold('t', 10, send)).rejects.toBeInstanceOf(BusUnavailableError);
      expect(send).not.toHaveBeenCalled();
    });
  });

  describe('.replay()', () => {
    it('sends held publishes in order and settles each with its own outcome', async () => {
      const buffer = new PublishBuffer(10, 1_000);
      const order: number[] = [];
      const first = buffer.hold('t', 1, () => (order.push(1), Promise.resolve()));
      const second = buffer.hold('t', 1, () => (order.push(2), Promise.reject(new BusUnavailableError('x'))));
      buffer.replay();
      await expect(first).resolves.toBeUndefined();
      await expect(second).rejects.toBeInstanceOf(BusUnavailableError);
      expect(order).toEqual([1, 2]);
      expect(buffer.stats()).toEqual({ held: 0, heldBytes: 0, buffered: 2, flushed: 1, rejected: 1 });
    });
  });

  describe('.rejectAll()', () => {
    it('rejects every held publish with BusUnavailableError', async () => {
      const buffer = new PublishBuffer(10, 1_000);
      const held = buffer.hold('t', 1, () => Promise.resolve());
      buffer.rejectAll('closing');
      await expect(held).rejects.toBeInstanceOf(BusUnavailableError);
    });
  });
});
