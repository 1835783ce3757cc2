import { TOKENS } from '@slipstream/contracts';
import { Container } from 'inversify';
import { echoResponse, InMemoryBatchEndpoint } from '../test/InMemoryBatchEndpoint';
import { batchingModule, type RequestBatcherFactory } from './batchingModule';
import { JsonRpcCodec } from './codecs/JsonRpcCodec';
import { RequestBatcher } from './RequestBatcher';

describe('batchingModule', () => {
  it('binds the JSON-RPC codec and a factory of batchers that use it', async () => {
    const container = new Container();
    await container.load(batchingModule);
    expect(container.get(TOKENS.BatchCodec)).toBeInstanceOf(JsonRpcCodec);
    const endpoint = new InMemoryBatchEndpoint();
    endpoint.handler = echoResponse;
    const batcher = container.get<RequestBatcherFactory>(TOKENS.RequestBatcher)(endpoint.sender, {
      maxDelayMs: 0,
    });
    expect(batcher).toBeInstanceOf(RequestBatcher);
    await expect(batcher.call('m', [1])).resolves.toEqual({ echo: 'm', params: [1] });
    await batcher.close();
  });
});
