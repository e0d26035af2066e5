import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '#libs/platform/index.js';

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. (2 is Algorithm.Argon2id, a const enum.) */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

@Injectable()
export class PasswordService {
  /** Verifying against this when the login id is unknown keeps both answers equally slow. */
  private readonly dummy = hash('not-a-real-password-0000', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash ?? (await this.dummy), password);
    } catch {
      return false;
    }
  }

  /** The password policy: at least 12 characters, at most 256, and not the login id. */
  assertPolicy(password: string, loginId: string): void {
    const length = [...password].length;
    if (length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw new AppError('PASSWORD_POLICY', {
        message: `The password must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
        details: [{ field: 'password', constraint: 'length' }],
      });
    }
    if (password.trim().toLowerCase() === loginId.trim().toLowerCase()) {
      throw new AppError('PASSWORD_POLICY', {
        message: 'The password must not be the login id',
        details: [{ field: 'password', constraint: 'notLoginId' }],
      });
    }
  }
}
