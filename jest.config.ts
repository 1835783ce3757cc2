import type { Config } from 'jest';

/** ts-jest transpiles only (`isolatedModules` in tsconfig.base.json); `npm run typecheck` is the type gate. */
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.base.json' }],
};

const roots = ['<rootDir>/contracts', '<rootDir>/packages', '<rootDir>/agents', '<rootDir>/demos'];

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      roots,
      transform,
      testEnvironment: 'node',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      roots,
      transform,
      testEnvironment: 'node',
      testMatch: ['**/*.int.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
  ],
  testTimeout: 30_000,
};

export default config;
