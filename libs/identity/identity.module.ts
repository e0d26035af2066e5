import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController, MeController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { IdentityRules } from './identity-rules.js';
import { Organisation } from './organisation.entity.js';
import { OrganisationsController } from './organisations.controller.js';
import { OrganisationsService } from './organisations.service.js';
import { PasswordService } from './password.service.js';
import { SessionCookies } from './session-cookie.js';
import { SessionGuard } from './session.guard.js';
import { SessionService } from './session.service.js';
import { StaffLookupController } from './staff-lookup.controller.js';
import { StaffLookupService } from './staff-lookup.service.js';
import { TokenService } from './token.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Organisation, User])],
  controllers: [AuthController, MeController, OrganisationsController, UsersController, StaffLookupController],
  providers: [
    AuthService,
    IdentityRules,
    OrganisationsService,
    PasswordService,
    SessionCookies,
    SessionService,
    StaffLookupService,
    TokenService,
    UsersService,
    { provide: APP_GUARD, useClass: SessionGuard },
  ],
  exports: [IdentityRules, OrganisationsService, SessionService, TokenService, UsersService],
})
export class IdentityModule {}
