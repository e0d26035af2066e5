import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  type Caller,
  CurrentUser,
  ifMatchVersion,
  UuidPipe,
  withEtag,
  Roles,
  ApiErrors,
  BODY_ERRORS,
  IF_MATCH_ERRORS,
  PageOf,
  SESSION_ERRORS,
} from '#libs/platform/index.js';
import { Idempotent } from '#libs/idempotency/index.js';
import { CreateOrganisationDto, ListOrganisationsQueryDto, UpdateOrganisationDto } from './dto/organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';
import { OrganisationResponse } from './identity.response.js';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get()
  @ApiOkResponse({ type: PageOf(OrganisationResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR')
  list(@Query() query: ListOrganisationsQueryDto) {
    return this.organisations.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganisationResponse })
  @ApiErrors(...SESSION_ERRORS, 'NOT_FOUND')
  async get(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.organisations.get(id));
  }

  @Post()
  @Idempotent()
  @Roles('system_admin')
  @ApiCreatedResponse({ type: OrganisationResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, 'ROLE_FORBIDDEN', 'CONFLICT_DUPLICATE')
  create(@CurrentUser() caller: Caller, @Body() dto: CreateOrganisationDto) {
    return this.organisations.create(caller, dto);
  }

  @Patch(':id')
  @Roles('system_admin')
  @ApiHeader({ name: 'If-Match', required: true, description: '"<version>"' })
  @ApiOkResponse({ type: OrganisationResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, ...IF_MATCH_ERRORS, 'ROLE_FORBIDDEN', 'NOT_FOUND', 'CONFLICT_DUPLICATE')
  async update(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateOrganisationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.organisations.update(caller, id, ifMatchVersion(ifMatch), dto));
  }
}
