import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminAuthenticator } from './admin-authenticator.service';
import { ApiTokenService } from './api-token.service';

@Global()
@Module({
  providers: [ApiTokenService, AdminAuthenticator, { provide: APP_GUARD, useClass: AdminAuthGuard }],
  exports: [ApiTokenService, AdminAuthenticator],
})
export class AuthModule {}
