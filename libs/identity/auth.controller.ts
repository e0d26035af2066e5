import type { AnyAbility, RawRuleOf } from '@casl/ability';
import { packRules } from '@casl/ability/extra';
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
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
import { SessionCookies } from './session-cookie.js';
import { UsersService } from './users.service.js';
import { LoginResponse, MeResponse, TokenPairResponse } from './identity.response.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in; wrong credentials and unknown users get the same 401; throttled → 429',
    description: 'With `X-Session-Transport: cookie` (browsers) the refresh token is set as an HttpOnly cookie and left out of the body.',
  })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(...BODY_ERRORS, 'INVALID_CREDENTIALS', 'TOO_MANY_REQUESTS', 'CSRF_CHECK_FAILED')
  async login(@Body() dto: LoginDto, @Meta() meta: RequestMeta, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const cookie = this.cookies.wanted(req);
    const result = await this.auth.login(dto, meta);
    return cookie ? this.cookies.deliver(req, reply, result) : result;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate a refresh token; reusing a used one ends the session',
    description: 'Without a body token, the session cookie is used (needs `X-Session-Transport: cookie`) and the new one set.',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiErrors(...BODY_ERRORS, 'REFRESH_TOKEN_INVALID', 'REFRESH_TOKEN_REUSED', 'CSRF_CHECK_FAILED')
  async refresh(@Body() dto: RefreshDto, @Meta() meta: RequestMeta, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (dto.refreshToken !== undefined) return this.auth.refresh(dto.refreshToken, meta);
    const token = this.cookies.refreshToken(req);
    try {
      return this.cookies.deliver(req, reply, await this.auth.refresh(token, meta));
    } catch (error) {
      // A cookie that no longer works would only be sent again: drop it with the 401.
      this.cookies.clear(req, reply);
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'the session ended' })
  @ApiErrors(...SESSION_ERRORS)
  async logout(@CurrentUser() caller: Caller, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(caller);
    this.cookies.clear(req, reply);
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
