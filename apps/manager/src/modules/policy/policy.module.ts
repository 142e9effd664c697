import { Global, Module } from '@nestjs/common';
import { MANAGER_CONFIG, type ManagerConfig } from '../../config/manager-config';
import { loadPlugins, ManagerPlugins } from './manager-plugins';

/** The run-policy extensions (plugins), available everywhere. */
@Global()
@Module({
  providers: [
    {
      provide: ManagerPlugins,
      useFactory: (config: ManagerConfig) => loadPlugins(config.plugins),
      inject: [MANAGER_CONFIG],
    },
  ],
  exports: [ManagerPlugins],
})
export class PolicyModule {}
