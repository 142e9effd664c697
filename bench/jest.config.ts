/** @jest-config-loader ts-node */
/** @jest-config-loader-options {"transpileOnly": true} */
import type { Config } from 'jest';
import preset from '../jest.preset';

const config: Config = { ...preset, displayName: 'bench' };

export default config;
