import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_KINDS, type OrganisationKind, ROLES, type Role } from '#libs/contracts/index.js';

// Response bodies of the identity routes (auth, /me, users, organisations), for the OpenAPI document only
// (see libs/platform/api-answers.ts).

const uuid = { type: String, format: 'uuid' } as const;
const instant = { type: String, format: 'date-time' } as const;

export class OrganisationResponse {
  @ApiProperty(uuid) id: string;
  @ApiProperty({ example: '福祉部 高齢福祉課' }) name: string;
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind: OrganisationKind;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: 'integer', description: 'also the ETag; send it back in If-Match' }) version: number;
  @ApiProperty(instant) createdAt: string;
  @ApiProperty(instant) updatedAt: string;
}

/** A user account: never its password. */
export class UserResponse {
  @ApiProperty(uuid) id: string;
  @ApiProperty({ example: 'sato.kaigo' }) loginId: string;
  @ApiProperty({ example: '佐藤 花子' }) displayName: string;
  @ApiProperty(uuid) organisationId: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: 'integer', description: 'also the ETag; send it back in If-Match' }) version: number;
  @ApiProperty({ ...instant, nullable: true }) lastLoginAt: string | null;
  @ApiProperty(instant) createdAt: string;
  @ApiProperty(instant) updatedAt: string;
}

/** An access token and the refresh token that renews it. */
export class TokenPairResponse {
  @ApiProperty({ description: 'send as Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'single use: POST /auth/refresh answers a new pair' }) refreshToken: string;
  @ApiProperty({ type: 'integer', description: 'seconds until the access token expires' }) expiresIn: number;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
}

export class LoginResponse extends TokenPairResponse {
  @ApiProperty({ type: UserResponse }) user: UserResponse;
}

/** GET /me: the caller, its organisation and its CASL rules. */
export class MeResponse {
  @ApiProperty({ type: UserResponse }) user: UserResponse;
  @ApiProperty({ type: OrganisationResponse }) organisation: OrganisationResponse;
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: {} },
    description: "the caller's CASL rules packed by @casl/ability/extra packRules: unpack them with unpackRules",
  })
  rules: unknown[][];
}

/** GET /audit/users: a member of staff as an auditor sees it. */
export class StaffIdentityResponse {
  @ApiProperty({ type: String, format: 'uuid' }) id: string;
  @ApiProperty() loginId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: String, format: 'uuid' }) organisationId: string;
  @ApiProperty() organisationName: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty() active: boolean;
}
