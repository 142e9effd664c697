import { Module } from '@nestjs/common';
import { JobDefinitionModule } from '../job-definition/job-definition.module';
import { ManagerPresence } from './manager-presence.service';
import { SignatureGuard } from './signature.guard';
import { WorkerRegistryController } from './worker-registry.controller';
import { WorkerRegistryService } from './worker-registry.service';

@Module({
  imports: [JobDefinitionModule],
  controllers: [WorkerRegistryController],
  providers: [ManagerPresence, WorkerRegistryService, SignatureGuard],
  exports: [WorkerRegistryService, SignatureGuard],
})
export class WorkerRegistryModule {}
