// examples/readme/config.ts
import { ConfigError } from '@slipstream/contracts';
import { clientOptionsSchema, parseConfig, toJsonSchema } from '@slipstream/config';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

try {
  parseConfig(clientOptionsSchema, {
    clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://10.0.0.1:99999' }] }],
    pool: { connetions: '8' },
  });
} catch (err) {
  if (!ConfigError.is(err)) throw err;
  for (const issue of err.issues)
    console.log(`${issue.path}: expected ${issue.expected}, received ${issue.received}`);
  // clusters[0].endpoints[0].origin: expected an http:// or https:// origin like http://host:8080
  //   (port 1..65535, no path), received "http://10.0.0.1:99999" (string)
  // pool.connetions: expected a known key (did you mean "connections"?), received unknown key "connetions"
}

// The JSON Schema of the client's options, for editors.
writeFileSync(join(tmpdir(), 'client.schema.json'), JSON.stringify(toJsonSchema('client'), null, 2));
