/**
 * The READMEs' examples are programs kept in the repo: the root README shows
 * `examples/quickstart.ts`, each package README's `ts` blocks are files of `examples/readme/`
 * (a block's first line names its file). `npm run typecheck` compiles them as CommonJS (no
 * top-level `await`), `readmeExamples.int.spec.ts` runs them, and the packaging test compiles
 * them against the packed packages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..');

/** The `ts` code blocks of a markdown text. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Every package README (libraries, agents, the testkit, the CLI). */
const PACKAGE_READMES = ['contracts', 'packages', 'agents']
  .flatMap((dir) =>
    dir === 'contracts'
      ? ['contracts']
      : readdirSync(join(repo, dir), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${dir}/${d.name}`),
  )
  .map((dir) => `${dir}/README.md`)
  .filter((file) => existsSync(join(repo, file)));

it('shows examples/quickstart.ts in the README, unchanged', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBe(readFileSync(join(repo, 'examples', 'quickstart.ts'), 'utf8'));
});

it.each(PACKAGE_READMES)('%s: every ts block is the examples/readme file it names, unchanged', (file) => {
  for (const block of tsBlocks(readFileSync(join(repo, file), 'utf8'))) {
    const named = /^\/\/ (examples\/readme\/[\w-]+\.ts)\n/.exec(block)?.[1];
    expect([file, named]).toEqual([file, expect.any(String)]);
    expect(block).toBe(readFileSync(join(repo, named!), 'utf8'));
  }
});

it('every examples/readme file is shown by a package README', () => {
  const shown = PACKAGE_READMES.flatMap((file) => tsBlocks(readFileSync(join(repo, file), 'utf8')));
  const named = shown.map((block) => /^\/\/ examples\/readme\/([\w-]+\.ts)\n/.exec(block)?.[1]);
  expect(readdirSync(join(repo, 'examples', 'readme')).sort()).toEqual(named.sort());
});
