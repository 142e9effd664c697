/** @jest-config-loader ts-node */
/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

// One Jest config per project; `npx jest` at the root runs them all.
const config: Config = {
  projects: [
    '<rootDir>/libs/contracts',
    '<rootDir>/libs/worker',
    '<rootDir>/libs/client',
    '<rootDir>/apps/manager',
    '<rootDir>/apps/demo-worker',
    '<rootDir>/apps/manager-e2e',
    '<rootDir>/bench',
  ],
};

export default config;
