import { type DynamicModule, Global, Module } from '@nestjs/common';
import { MANAGER_CONFIG, type ManagerConfig } from './manager-config';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ManagerConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: MANAGER_CONFIG, useValue: config }],
      exports: [MANAGER_CONFIG],
    };
  }
}
