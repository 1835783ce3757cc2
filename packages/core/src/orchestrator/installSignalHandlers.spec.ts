import { EventEmitter } from 'node:events';
import { silentLogger } from '../../test/busContractSuite';
import { installSignalHandlers } from './installSignalHandlers';

function setup(stop: () => Promise<void>) {
  const target = new EventEmitter();
  const exits: number[] = [];
  const orchestrator = { stop: jest.fn(stop) };
  const dispose = installSignalHandlers(orchestrator, silentLogger, {
    target: target as unknown as NodeJS.Process,
    exit: (code) => void exits.push(code),
  });
  return { target, exits, orchestrator, dispose };
}

describe(installSignalHandlers, () => {
  it('when SIGTERM arrives, stops gracefully then exits 0', async () => {
    const { target, exits, orchestrator } = setup(() => Promise.resolve());
    target.emit('SIGTERM', 'SIGTERM');
    await new Promise(setImmediate);
    expect(orchestrator.stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([0]);
  });

  it('when the graceful stop fails, exits 1', async () => {
    const { target, exits } = setup(() => Promise.reject(new Error('x')));
    target.emit('SIGINT', 'SIGINT');
    await new Promise(setImmediate);
    expect(exits).toEqual([1]);
  });

  it('when a second signal arrives during the stop, exits 1 at once', () => {
    const { target, exits, orchestrator } = setup(() => new Promise<void>(() => undefined));
    target.emit('SIGINT', 'SIGINT');
    target.emit('SIGINT', 'SIGINT');
    expect(orchestrator.stop).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([1]);
  });

  it('when disposed, removes its handlers', () => {
    const { target, dispose } = setup(() => Promise.resolve());
    dispose();
    expect(target.listenerCount('SIGINT') + target.listenerCount('SIGTERM')).toBe(0);
  });
});
