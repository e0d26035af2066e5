import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentUser, ifMatchVersion, UuidPipe, withEtag, Roles } from '#libs/platform/index.js';
import { Idempotent } from '#libs/idempotency/index.js';
import { CreateOrganisationDto, ListOrganisationsQueryDto, UpdateOrganisationDto } from './dto/organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get()
  list(@Query() query: ListOrganisationsQueryDto) {
    return this.organisations.list(query);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.organisations.get(id));
  }

  @Post()
  @Idempotent()
  @Roles('system_admin')
  create(@CurrentUser() caller: Caller, @Body() dto: CreateOrganisationDto) {
    return this.organisations.create(caller, dto);
  }

  @Patch(':id')
  @Roles('system_admin')
  @ApiHeader({ name: 'If-Match', required: true, description: '"<version>"' })
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
