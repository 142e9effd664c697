import { Module } from '@nestjs/common';
import { JobDefinitionModule } from '../job-definition/job-definition.module';
import { ManagerPresence } from './manager-presence.service';
import { NonceStore } from './nonce-store';
import { SignatureGuard } from './signature.guard';
import { WorkerAdminController } from './worker-admin.controller';
import { WorkerOverviewService } from './worker-overview.service';
import { WorkerRegistryController } from './worker-registry.controller';
import { WorkerRegistryService } from './worker-registry.service';
import { WorkerSignatureVerifier } from './worker-signature.service';

@Module({
  imports: [JobDefinitionModule],
  controllers: [WorkerRegistryController, WorkerAdminController],
  providers: [
    ManagerPresence,
    WorkerRegistryService,
    WorkerOverviewService,
    NonceStore,
    WorkerSignatureVerifier,
    SignatureGuard,
  ],
  exports: [WorkerRegistryService, WorkerSignatureVerifier, SignatureGuard],
})
export class WorkerRegistryModule {}
