import { Container } from 'inversify';
import { spawnUpstream } from './process/spawnUpstream';
import { startUpstream } from './startUpstream';
import { TESTKIT_TOKENS, testkitModule, type UpstreamFactory } from './testkitModule';

describe('testkitModule', () => {
  it('binds the upstream factory', async () => {
    const container = new Container();
    await container.load(testkitModule);

    const factory = container.get<UpstreamFactory>(TESTKIT_TOKENS.UpstreamFactory);

    expect(factory).toMatchObject({ start: startUpstream, spawn: spawnUpstream });
  });
});
