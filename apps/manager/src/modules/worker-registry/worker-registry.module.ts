import { Module } from '@nestjs/common';
import { JobDefinitionModule } from '../job-definition/job-definition.module';
import { ManagerPresence } from './manager-presence.service';
import { SignatureGuard } from './signature.guard';
import { WorkerRegistryController } from './worker-registry.controller';
import { WorkerRegistryService } from './worker-registry.service';
import { WorkerSignatureVerifier } from './worker-signature.service';

@Module({
  imports: [JobDefinitionModule],
  controllers: [WorkerRegistryController],
  providers: [ManagerPresence, WorkerRegistryService, WorkerSignatureVerifier, SignatureGuard],
  exports: [WorkerRegistryService, WorkerSignatureVerifier, SignatureGuard],
})
export class WorkerRegistryModule {}
