import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { nkeys } from '@nats-io/nats-core';
import { ConfigError, type Envelope } from '@slipstream/contracts';
import { coreConfigSchema, parseConfig } from '@slipstream/core';

import { RecordingLogger } from '../test/RecordingLogger';
import { PrivateNatsServer, envelope, waitFor } from '../test/natsTestUtils';
import { generateTestCertificates, type TestCertificates } from '../test/testCertificates';
import { NatsAuthError } from './errors/NatsAuthError';
import { natsTransportFactory } from './natsTransportFactory';
import { NatsTransport } from './NatsTransport';
import type { NatsTransportOptions } from './NatsTransportOptions';

const dir = mkdtempSync(join(tmpdir(), 'slip-secured-'));
const TOKEN = 's3cret-token';
const servers: PrivateNatsServer[] = [];
const opened: NatsTransport[] = [];
let certs: TestCertificates;
let tokenServer: PrivateNatsServer;
let userServer: PrivateNatsServer;
let nkeyServer: PrivateNatsServer;
let tlsServer: PrivateNatsServer;
let seedFile: string;
let strangerSeedFile: string;

async function start(args: string[]): Promise<PrivateNatsServer> {
  const server = await PrivateNatsServer.start(args);
  servers.push(server);
  return server;
}

function transport(server: PrivateNatsServer, options: NatsTransportOptions): NatsTransport {
  const t = new NatsTransport(
    { servers: [server.url], maxReconnectAttempts: 1, reconnectTimeWaitMs: 0, ...options },
    new RecordingLogger(),
  );
  opened.push(t);
  return t;
}

/** Connects, and proves the connection carries a message to itself. */
async function roundTrip(t: NatsTransport): Promise<void> {
  await t.connect();
  const got: Envelope[] = [];
  t.subscribe('secured.ping', (e) => void got.push(e));
  await t.flush();
  await t.publish(envelope('secured.ping', {}));
  await waitFor(() => got.length === 1);
}

async function refusal(t: NatsTransport): Promise<unknown> {
  return t.connect().then(
    () => new Error('connected'),
    (err: unknown) => err,
  );
}

function writeSeed(name: string): { file: string; publicKey: string } {
  const user = nkeys.createUser();
  const file = join(dir, `${name}.nk`);
  writeFileSync(file, new TextDecoder().decode(user.getSeed()));
  return { file, publicKey: user.getPublicKey() };
}

beforeAll(async () => {
  certs = generateTestCertificates(dir);
  const seed = writeSeed('user');
  seedFile = seed.file;
  strangerSeedFile = writeSeed('stranger').file;
  const nkeyConfig = join(dir, 'nkey.conf');
  writeFileSync(nkeyConfig, `authorization { users = [ { nkey: "${seed.publicKey}" } ] }\n`);
  [tokenServer, userServer, nkeyServer, tlsServer] = await Promise.all([
    start(['--auth', TOKEN]),
    start(['--user', 'alice', '--pass', 'wonderland']),
    start(['-c', nkeyConfig]),
    start([
      '--tlsverify',
      '--tlscert',
      certs.serverCertFile,
      '--tlskey',
      certs.serverKeyFile,
      '--tlscacert',
      certs.caFile,
    ]),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  await Promise.all(servers.map((s) => s.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

describe(NatsTransport, () => {
  describe('.connect() to a secured server', () => {
    describe('when the server wants a token', () => {
      it('with bus.auth.token, connects and carries messages', async () => {
        await roundTrip(transport(tokenServer, { auth: { token: TOKEN } }));
      });

      it('with a wrong token, rejects with NatsAuthError naming bus.auth.token', async () => {
        const err = await refusal(transport(tokenServer, { auth: { token: 'wrong' } }));
        expect(NatsAuthError.is(err)).toBe(true);
        expect(err).toMatchObject({ code: 'SLIP_ERR_NATS_AUTH', credential: 'bus.auth.token' });
        expect((err as Error).message).not.toContain('wrong');
      });

      it('without credentials, rejects with NatsAuthError saying none was given', async () => {
        const err = await refusal(transport(tokenServer, {}));
        expect(err).toMatchObject({ code: 'SLIP_ERR_NATS_AUTH', credential: 'bus.auth (none given)' });
      });

      it('when the token comes through the config (bus.auth.token), the transport the factory builds connects', async () => {
        const config = parseConfig(coreConfigSchema, {
          nodeId: 'secured-node',
          bus: { transport: 'nats', servers: [tokenServer.url], auth: { token: TOKEN } },
        });
        const t = natsTransportFactory.create(config, new RecordingLogger()) as NatsTransport;
        opened.push(t);
        await roundTrip(t);
      });
    });

    describe('when the server wants a user and password', () => {
      it('with bus.auth.user/password, connects', async () => {
        await roundTrip(transport(userServer, { auth: { user: 'alice', password: 'wonderland' } }));
      });

      it('with a wrong password, rejects with NatsAuthError naming bus.auth.user', async () => {
        const err = await refusal(transport(userServer, { auth: { user: 'alice', password: 'nope' } }));
        expect(err).toMatchObject({ code: 'SLIP_ERR_NATS_AUTH', credential: 'bus.auth.user' });
      });
    });

    describe('when the server wants an NKey', () => {
      it('with bus.auth.nkeySeedFile, connects', async () => {
        await roundTrip(transport(nkeyServer, { auth: { nkeySeedFile: seedFile } }));
      });

      it('with the seed of another key, rejects with NatsAuthError naming bus.auth.nkeySeedFile', async () => {
        const err = await refusal(transport(nkeyServer, { auth: { nkeySeedFile: strangerSeedFile } }));
        expect(err).toMatchObject({ code: 'SLIP_ERR_NATS_AUTH', credential: 'bus.auth.nkeySeedFile' });
      });

      it.each(['nkeySeedFile', 'credsFile'] as const)(
        'when bus.auth.%s cannot be read, rejects with a ConfigError naming it',
        async (key) => {
          const err = await refusal(transport(nkeyServer, { auth: { [key]: join(dir, 'missing') } }));
          expect(ConfigError.is(err)).toBe(true);
          expect((err as ConfigError).issues[0]).toMatchObject({ path: `bus.auth.${key}` });
        },
      );
    });

    describe('when the server wants mutual TLS', () => {
      it('with bus.tls caFile, certFile and keyFile, connects', async () => {
        await roundTrip(
          transport(tlsServer, {
            tls: { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile },
          }),
        );
      });

      it('without the CA that signed the server, rejects with NatsAuthError naming bus.tls.caFile', async () => {
        const err = await refusal(
          transport(tlsServer, { tls: { certFile: certs.clientCertFile, keyFile: certs.clientKeyFile } }),
        );
        expect(err).toMatchObject({ code: 'SLIP_ERR_NATS_AUTH', credential: 'bus.tls.caFile' });
      });

      it('with a client certificate of another CA, the connect is refused (BusUnavailableError: the server refuses it after a TLS 1.3 handshake, so the client sees no reason)', async () => {
        const err = await refusal(
          transport(tlsServer, {
            connectTimeoutMs: 1_000,
            tls: { caFile: certs.caFile, certFile: certs.strangerCertFile, keyFile: certs.strangerKeyFile },
          }),
        );
        expect(err).toMatchObject({ code: 'SLIP_ERR_BUS_UNAVAILABLE' });
      });
    });
  });
});
