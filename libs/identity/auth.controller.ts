import type { AnyAbility, RawRuleOf } from '@casl/ability';
import { packRules } from '@casl/ability/extra';
import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import {
  type Caller,
  CurrentUser,
  Meta,
  type RequestMeta,
  RULES_CONTRIBUTORS,
  type RulesContributor,
  Public,
  ApiErrors,
  BODY_ERRORS,
  SESSION_ERRORS,
} from '#libs/platform/index.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, LoginDto, RefreshDto } from './dto/auth.dto.js';
import { OrganisationsService } from './organisations.service.js';
import { UsersService } from './users.service.js';
import { LoginResponse, MeResponse, TokenPairResponse } from './identity.response.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; wrong credentials and unknown users get the same 401; throttled → 429' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(...BODY_ERRORS, 'INVALID_CREDENTIALS', 'TOO_MANY_REQUESTS')
  login(@Body() dto: LoginDto, @Meta() meta: RequestMeta) {
    return this.auth.login(dto, meta);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token; reusing a used one ends the session' })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiErrors(...BODY_ERRORS, 'REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED')
  refresh(@Body() dto: RefreshDto, @Meta() meta: RequestMeta) {
    return this.auth.refresh(dto.refreshToken, meta);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'the session ended' })
  @ApiErrors(...SESSION_ERRORS)
  async logout(@CurrentUser() caller: Caller): Promise<void> {
    await this.auth.logout(caller);
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the own password (≥ 12 characters, not the login id); other sessions end' })
  @ApiNoContentResponse({ description: 'the password changed; the other sessions ended' })
  @ApiErrors(...SESSION_ERRORS, ...BODY_ERRORS, 'PASSWORD_POLICY', 'CURRENT_PASSWORD_WRONG')
  async changePassword(@CurrentUser() caller: Caller, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(caller, dto);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly organisations: OrganisationsService,
    @Inject(RULES_CONTRIBUTORS) private readonly contributors: RulesContributor[],
  ) {}

  @Get()
  @ApiOperation({ summary: 'The caller, its organisation and its packed CASL rules (for the UI)' })
  @ApiOkResponse({ type: MeResponse })
  @ApiErrors(...SESSION_ERRORS)
  async me(@CurrentUser() caller: Caller) {
    const [user, organisation, ...rules] = await Promise.all([
      this.users.get(caller, caller.userId),
      this.organisations.get(caller.organisationId),
      ...this.contributors.map((c) => c.rulesFor(caller)),
    ]);
    // Packed as CASL's packRules does (arrays instead of objects): the UI unpacks them with unpackRules.
    return { user, organisation, rules: packRules(rules.flat() as RawRuleOf<AnyAbility>[]) };
  }
}
