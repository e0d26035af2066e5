import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets and personal values never reach them: request logs carry the route pattern,
 * never the URL's query string (a search `q` is personal data), and the redaction below is a second line of defence.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'welfare-case-share' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          'newPassword',
          'currentPassword',
          'token',
          'accessToken',
          'refreshToken',
          'authorization',
          '*.password',
          '*.token',
          '*.accessToken',
          '*.refreshToken',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export const LOGGER = Symbol('LOGGER');
