import { Inject, Injectable, Optional } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { APP_CONFIG, type AppConfig, AppError, defaultHashConcurrency } from '#libs/platform/index.js';
import { HashGate } from './hash-gate.js';

/** OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1. (2 is Algorithm.Argon2id, a const enum.) */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** Verifying against this when the login id is unknown keeps both answers equally slow (and equally gated). */
const DUMMY_HASH = hash('not-a-real-password-0000', ARGON2_OPTIONS);

@Injectable()
export class PasswordService {
  /** Every argon2 computation of this process goes through this gate (config: PASSWORD_HASH_*). */
  readonly gate: HashGate;

  /** Without a config (seeding, the bootstrap admin): half the cores, and a queue that never refuses. */
  constructor(@Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    this.gate = new HashGate(
      config?.passwordHashConcurrency ?? defaultHashConcurrency(),
      config?.passwordHashQueue ?? Number.MAX_SAFE_INTEGER,
    );
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password, ARGON2_OPTIONS));
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    const against = passwordHash ?? (await DUMMY_HASH);
    return this.gate.run(async () => {
      try {
        return await verify(against, password);
      } catch {
        return false;
      }
    });
  }

  /**
   * The password policy: at least 12 characters once white space at either end is set aside (so twelve spaces, or
   * a short word padded with spaces, are not a password), at most 256, and not the login id (compared trimmed and
   * case-insensitively). Characters are Unicode code points. The password is stored as given, spaces included.
   */
  assertPolicy(password: string, loginId: string): void {
    const length = [...password.trim()].length;
    if (length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw new AppError('PASSWORD_POLICY', {
        message: `The password must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not counting spaces at either end`,
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
