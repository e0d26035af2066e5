import { Module } from '@nestjs/common';
import { AccessModule } from '#libs/access/index.js';
import { NotesController } from './notes.controller.js';
import { NotesService } from './notes.service.js';

/** Case notes (支援経過記録): their own module so that the recipients module stays about the profile. */
@Module({
  imports: [AccessModule],
  controllers: [NotesController],
  providers: [NotesService],
  exports: [NotesService],
})
export class NotesModule {}
