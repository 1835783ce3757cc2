import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import { z } from 'zod';
import { parseConfig } from './parseConfig';
import { clientOptionsSchema } from './schemas/clientOptionsSchema';

function issuesOf(fn: () => unknown): readonly ConfigIssue[] {
  try {
    fn();
  } catch (err) {
    if (ConfigError.is(err)) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const cluster = { cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:8080' }] };

describe(parseConfig, () => {
  it('when the input is valid, returns it with defaults applied', () => {
    expect(parseConfig(clientOptionsSchema, {})).toEqual({ clusters: [] });
  });

  it('when a nested field has the wrong type, names its full path and the received value with its type', () => {
    expect(
      issuesOf(() => parseConfig(clientOptionsSchema, { clusters: [cluster], pool: { connections: '8' } })),
    ).toEqual([{ path: 'pool.connections', expected: 'number', received: '"8" (string)' }]);
  });

  it('when a key is unknown, names it and suggests the nearest valid one', () => {
    expect(
      issuesOf(() =>
        parseConfig(clientOptionsSchema, { clusters: [{ ...cluster, algoritm: 'random' }], retires: 3 }),
      ),
    ).toEqual([
      {
        path: 'clusters[0].algoritm',
        expected: 'a known key (did you mean "algorithm"?)',
        received: 'unknown key "algoritm"',
      },
      { path: 'retires', expected: 'a known key (did you mean "retry"?)', received: 'unknown key "retires"' },
    ]);
  });

  it('when an unknown key is far from every valid one, lists the valid ones', () => {
    const [issue] = issuesOf(() =>
      parseConfig(z.strictObject({ alpha: z.number().optional() }), { zzzzzz: 1 }),
    );
    expect(issue).toEqual({
      path: 'zzzzzz',
      expected: 'one of the keys alpha',
      received: 'unknown key "zzzzzz"',
    });
  });

  it('when the schema takes no keys (network.optimize), says so instead of listing none', () => {
    expect(issuesOf(() => parseConfig(z.strictObject({}), { foo: 1 }))).toEqual([
      { path: 'foo', expected: 'no keys (this takes an empty object)', received: 'unknown key "foo"' },
    ]);
  });

  it('when an origin has a bad scheme or port, or a route names an unknown cluster, says so at the full path', () => {
    const issues = issuesOf(() =>
      parseConfig(clientOptionsSchema, {
        clusters: [{ cluster: 'api', endpoints: [{ origin: 'ftp://h:21' }, { origin: 'http://h:99999' }] }],
        routes: [{ id: 'r', match: {}, cluster: 'nope' }],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'clusters[0].endpoints[0].origin',
      'clusters[0].endpoints[1].origin',
      'routes[0].cluster',
    ]);
    expect(issues[2]).toMatchObject({
      expected: 'a configured cluster ("api")',
      received: '"nope" (string)',
    });
  });

  it('when a refused URL carries a password, prints the URL without it', () => {
    const [issue] = issuesOf(() =>
      parseConfig(clientOptionsSchema, {
        clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://user:SECRETPW@127.0.0.1:26021' }] }],
      }),
    );
    expect(issue?.received).toBe('"http://user:[REDACTED]@127.0.0.1:26021" (string)');
  });

  it('when a secret-named field is invalid, does not render its value', () => {
    const schema = z.object({ auth: z.object({ token: z.string().min(10) }) });
    expect(issuesOf(() => parseConfig(schema, { auth: { token: 'short' } }))).toEqual([
      { path: 'auth.token', expected: 'string >= 10 (length)', received: '[REDACTED]' },
    ]);
  });

  it('when an object holding a secret is refused as a whole, hides the secret inside it', () => {
    const schema = z.object({ auth: z.string() });
    const [issue] = issuesOf(() => parseConfig(schema, { auth: { token: 'hunter2-secret' } }));
    expect(issue?.received).not.toContain('hunter2');
    expect(issue?.received).toContain('[REDACTED]');
  });

  it('when given a prefix, puts it in front of every path', () => {
    expect(issuesOf(() => parseConfig(z.strictObject({ n: z.number() }), { n: null }, ['batching']))).toEqual(
      [{ path: 'batching.n', expected: 'number', received: 'null' }],
    );
  });
});
