import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  type Caller,
  CurrentUser,
  UuidPipe,
  withEtag,
  AuditAction,
  Roles,
  ApiErrors,
  BODY_ERRORS,
  IF_MATCH_ERRORS,
  PageOf,
  SESSION_ERRORS,
} from '#libs/platform/index.js';
import { Idempotent } from '#libs/idempotency/index.js';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto.js';
import type { UserJson } from './user.entity.js';
import { UsersService } from './users.service.js';
import { UserResponse } from './identity.response.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('system_admin', 'org_admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(UserResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN')
  list(@CurrentUser() caller: Caller, @Query() query: ListUsersQueryDto) {
    return this.users.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(...SESSION_ERRORS, 'ROLE_FORBIDDEN', 'NOT_FOUND')
  async get(@CurrentUser() caller: Caller, @Param('id', UuidPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.users.get(caller, id));
  }

  @Post()
  // A replay answers only what a fresh request would be allowed: the caller may still create such a user.
  @Idempotent({ recheck: async ({ caller, replayed }) => UsersService.recheckCreate(caller, replayed as UserJson) })
  @AuditAction('user.create')
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors(
    ...SESSION_ERRORS,
    ...BODY_ERRORS,
    'PASSWORD_POLICY',
    'ROLE_FORBIDDEN',
    'ORGANISATION_FORBIDDEN',
    'REFERENCE_NOT_FOUND',
    'CONFLICT_DUPLICATE',
  )
  create(@CurrentUser() caller: Caller, @Body() dto: CreateUserDto) {
    return this.users.create(caller, dto);
  }

  @Patch(':id')
  @AuditAction('user.update')
  @ApiHeader({ name: 'If-Match', required: true, description: '"<version>"' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, ...IF_MATCH_ERRORS, 'PASSWORD_POLICY', 'ROLE_FORBIDDEN', 'NOT_FOUND')
  async update(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.users.update(caller, id, ifMatch, dto));
  }
}
