import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigModule } from './config/config.module';
import type { ManagerConfig } from './config/manager-config';
import { dataSourceOptions, type SqlFlavor } from './database/data-source-options';
import { AlertModule } from './modules/alert/alert.module';
import { AuthModule } from './modules/auth/auth.module';
import { ConsoleModule } from './modules/console/console.module';
import { HealthModule } from './modules/health/health.module';
import { PolicyModule } from './modules/policy/policy.module';
import { SqlModule } from './modules/sql/sql.module';
import { JobDefinitionModule } from './modules/job-definition/job-definition.module';
import { RedisModule } from './modules/redis/redis.module';
import { RunModule } from './modules/run/run.module';
import { ScheduleModule } from './modules/schedule/schedule.module';
import { StatisticsModule } from './modules/statistics/statistics.module';
import { WorkerRegistryModule } from './modules/worker-registry/worker-registry.module';
import { XcronModule } from './modules/xcron/xcron.module';

@Module({})
export class AppModule {
  static forRoot(config: ManagerConfig, flavor: SqlFlavor): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.mysqlUrl, flavor)),
        RedisModule,
        SqlModule,
        PolicyModule,
        AuthModule,
        ScheduleModule,
        JobDefinitionModule,
        WorkerRegistryModule,
        AlertModule,
        RunModule,
        XcronModule,
        StatisticsModule,
        HealthModule,
        ConsoleModule,
      ],
    };
  }
}
