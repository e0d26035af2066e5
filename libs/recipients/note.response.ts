import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTACT_TYPES, type ContactType, NOTE_SENSITIVITIES, type NoteSensitivity } from '#libs/contracts/index.js';

// Response bodies of the case-note routes, for the OpenAPI document only (see libs/platform/api-answers.ts).

const uuid = { type: String, format: 'uuid' } as const;
const text = { type: String, nullable: true } as const;

/** The content every version of a note has. */
class NoteContentResponse {
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ enum: CONTACT_TYPES }) contactType: ContactType;
  @ApiProperty(text) counterpart: string | null;
  @ApiProperty(text) title: string | null;
  @ApiProperty() body: string;
  @ApiProperty({ enum: NOTE_SENSITIVITIES }) sensitivity: NoteSensitivity;
  @ApiPropertyOptional({ format: 'date-time', description: 'present once the note is retracted' }) retractedAt?: string;
  @ApiPropertyOptional({ description: 'present once the note is retracted' }) retractReason?: string;
}

export class NoteResponse extends NoteContentResponse {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) recipientId: string;
  @ApiProperty(uuid) authorUserId: string;
  @ApiProperty(uuid) authorOrganisationId: string;
  @ApiProperty({ type: 'integer', description: 'also the ETag; send it back in If-Match' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** One version of a note in its history. */
export class NoteRevisionResponse extends NoteContentResponse {
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ enum: ['create', 'update', 'retract'] }) change: 'create' | 'update' | 'retract';
  @ApiProperty({ format: 'date-time' }) writtenAt: string;
  @ApiProperty(uuid) writtenBy: string;
  @ApiProperty(uuid) writtenByOrganisationId: string;
}
