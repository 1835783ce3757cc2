import { ContainerModule } from 'inversify';
import { spawnUpstream } from './process/spawnUpstream';
import { startUpstream, startUpstreams } from './startUpstream';

/** The testkit's entry points, as one service for code that takes it from the container (demos, benchmarks). */
export interface UpstreamFactory {
  start: typeof startUpstream;
  startMany: typeof startUpstreams;
  spawn: typeof spawnUpstream;
}

/**
 * Service identifiers of the testkit. Package-local: contracts have no testkit token yet
 * (`TOKENS.UpstreamFactory` is proposed).
 */
export const TESTKIT_TOKENS = Object.freeze({
  UpstreamFactory: Symbol.for('slipstream.testkit.UpstreamFactory'),
});

/** Binds `TESTKIT_TOKENS.UpstreamFactory` to the testkit's entry points. */
export const testkitModule = new ContainerModule(({ bind }) => {
  bind<UpstreamFactory>(TESTKIT_TOKENS.UpstreamFactory).toConstantValue(
    Object.freeze({ start: startUpstream, startMany: startUpstreams, spawn: spawnUpstream }),
  );
});
