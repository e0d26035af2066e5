import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags, ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Idempotent } from '#libs/idempotency/index.js';
import {
  AuditAction,
  type Caller,
  CurrentUser,
  ifMatchVersion,
  Roles,
  UuidPipe,
  withEtag,
  ApiErrors,
  BODY_ERRORS,
  IF_MATCH_ERRORS,
  PageOf,
  SESSION_ERRORS,
} from '#libs/platform/index.js';
import { CreateNoteDto, ListNotesQueryDto, NotesPageQueryDto, RetractNoteDto, UpdateNoteDto } from './note.dto.js';
import { NotesService } from './notes.service.js';
import { NoteResponse, NoteRevisionResponse } from './note.response.js';

/** Case notes of one recipient. Recipient content: caseworkers and org_admins only. */
@ApiTags('notes')
@ApiBearerAuth()
@Roles('caseworker', 'org_admin')
@Controller('recipients/:id/notes')
export class NotesController {
  constructor(readonly notes: NotesService) {}

  @Get()
  @AuditAction('note.list')
  @ApiOkResponse({ type: PageOf(NoteResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN', 'GRANT_SCOPE_MISSING', 'NOT_FOUND')
  list(@CurrentUser() caller: Caller, @Param('id', UuidPipe) recipientId: string, @Query() query: ListNotesQueryDto) {
    return this.notes.list(caller, recipientId, query);
  }

  @Post()
  @AuditAction('note.create')
  @Idempotent<NotesController>({
    recheck: ({ controller, caller, params, replayed }) => controller.notes.recheckCreate(caller, params.id, replayed),
  })
  @ApiCreatedResponse({ type: NoteResponse })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, 'ROLE_FORBIDDEN', 'GRANT_SCOPE_MISSING', 'NOT_FOUND')
  async create(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) recipientId: string,
    @Body() dto: CreateNoteDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.notes.create(caller, recipientId, dto));
  }

  @Get(':noteId')
  @AuditAction('note.read')
  @ApiOkResponse({ type: NoteResponse })
  @ApiErrors(...SESSION_ERRORS, 'ROLE_FORBIDDEN', 'GRANT_SCOPE_MISSING', 'NOT_FOUND')
  async get(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) recipientId: string,
    @Param('noteId', UuidPipe) noteId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.notes.get(caller, recipientId, noteId));
  }

  @Get(':noteId/history')
  @AuditAction('note.read')
  @ApiOkResponse({ type: PageOf(NoteRevisionResponse) })
  @ApiErrors(...SESSION_ERRORS, 'VALIDATION_FAILED', 'INVALID_CURSOR', 'ROLE_FORBIDDEN', 'GRANT_SCOPE_MISSING', 'NOT_FOUND')
  history(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) recipientId: string,
    @Param('noteId', UuidPipe) noteId: string,
    @Query() query: NotesPageQueryDto,
  ) {
    return this.notes.history(caller, recipientId, noteId, query);
  }

  @Patch(':noteId')
  @AuditAction('note.update')
  @ApiHeader({ name: 'If-Match', required: true, description: '"<version>"' })
  @ApiOkResponse({ type: NoteResponse })
  @ApiErrors(
    ...SESSION_ERRORS,
    ...BODY_ERRORS,
    ...IF_MATCH_ERRORS,
    'ROLE_FORBIDDEN',
    'GRANT_SCOPE_MISSING',
    'NOT_AUTHOR',
    'NOT_FOUND',
    'ALREADY_RETRACTED',
  )
  async update(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) recipientId: string,
    @Param('noteId', UuidPipe) noteId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateNoteDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.notes.update(caller, recipientId, noteId, ifMatchVersion(ifMatch), dto));
  }

  @Post(':noteId/retract')
  @HttpCode(200)
  @AuditAction('note.retract')
  @ApiOkResponse({ type: NoteResponse })
  @ApiErrors(
    ...SESSION_ERRORS,
    ...BODY_ERRORS,
    'ROLE_FORBIDDEN',
    'GRANT_SCOPE_MISSING',
    'NOT_AUTHOR',
    'NOT_FOUND',
    'ALREADY_RETRACTED',
  )
  async retract(
    @CurrentUser() caller: Caller,
    @Param('id', UuidPipe) recipientId: string,
    @Param('noteId', UuidPipe) noteId: string,
    @Body() dto: RetractNoteDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.notes.retract(caller, recipientId, noteId, dto.reason));
  }
}
