import type { Config } from 'jest';
import { pathsToModuleNameMapper } from 'ts-jest';
import { compilerOptions } from './tsconfig.base.json';

/** ts-jest transpiles only (`isolatedModules` in tsconfig.base.json); `npm run typecheck` is the type gate. */
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json' }],
};

/**
 * Inside the monorepo every `@slipstream/*` import resolves to the package's TypeScript source
 * through tsconfig.base.json's `paths` (as for tsc and tsx), never to its built `dist/`; the
 * packages' `exports` point at `dist/` for consumers.
 */
const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });

const roots = [
  '<rootDir>/contracts',
  '<rootDir>/packages',
  '<rootDir>/agents',
  '<rootDir>/demos',
  '<rootDir>/packaging',
];

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      roots,
      transform,
      moduleNameMapper,
      modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
      testEnvironment: 'node',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      roots,
      transform,
      moduleNameMapper,
      modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
      testEnvironment: 'node',
      testMatch: ['**/*.int.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
  ],
  testTimeout: 30_000,
};

export default config;
