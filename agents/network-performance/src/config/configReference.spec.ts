/**
 * The checked-in JSON Schema (`slipstream.schema.json`) and configuration reference
 * (`docs/configuration.md`) are what the schemas generate now. `UPDATE_CONFIG_REFERENCE=1`
 * rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from './configReference';
import { SYSTEM_SCHEMA_FILE, systemJsonSchema } from './systemJsonSchema';

const PACKAGE = join(__dirname, '..', '..');
const FILES = {
  schema: join(PACKAGE, SYSTEM_SCHEMA_FILE),
  reference: join(PACKAGE, '..', '..', 'docs', 'configuration.md'),
};

const generated = {
  schema: `${JSON.stringify(systemJsonSchema(), null, 2)}\n`,
  reference: configReference(systemJsonSchema()),
};

if (process.env.UPDATE_CONFIG_REFERENCE === '1') {
  writeFileSync(FILES.schema, generated.schema);
  writeFileSync(FILES.reference, generated.reference);
}

it.each(['schema', 'reference'] as const)('the checked-in %s is current', (which) => {
  expect(readFileSync(FILES[which], 'utf8')).toBe(generated[which]);
});

it('the reference lists every option of the schema, with its default', () => {
  expect(generated.reference).toContain('| `network.clusters[].endpoints[].origin` | string');
  expect(generated.reference).toContain(
    '| `orchestrator.drainTimeoutMs` | integer (> 0, ≤ 2147483647) | `10000` |',
  );
  expect(generated.reference).toContain('| `network.routes[].policy.hedge.quantile` | number (> 0, < 1) |');
});

it('states a constraint the validator checks beyond a plain bound (maxRequestsPerConnection: 0 or ≥ 2)', () => {
  expect(generated.reference).toContain(
    '| `network.clusters[].maxRequestsPerConnection` | 0 or integer (≥ 2) | — | Close an HTTP/1.1 connection',
  );
  expect(generated.reference).not.toContain('-9007199254740991');
});
