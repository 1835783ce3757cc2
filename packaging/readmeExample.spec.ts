/**
 * The README's example is `examples/quickstart.ts` verbatim, the program the packaging test
 * compiles and runs against the packed packages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..');

it('shows examples/quickstart.ts in the README, unchanged', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBe(readFileSync(join(repo, 'examples', 'quickstart.ts'), 'utf8'));
});
