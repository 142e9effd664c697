/** @jest-config-loader ts-node */
/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';

// One Jest config per project; `npx jest` at the root runs them all.
const config: Config = {
  // With 2 cores Jest runs in band, so every suite shares one process. After a full run, that
  // process has reached the end of its event loop and then never exits: Node's exit-time clean-up
  // (FreeEnvironment -> CleanupHandles) spins on a few TCP sockets the fault suites destroyed
  // while their connect was under way (seen with gdb on a hung CI run; each fault file alone
  // exits). The tests have all passed and reported by then; exiting explicitly (process.exit skips
  // that clean-up) ends the run instead of hanging it until the CI timeout.
  forceExit: true,
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
