import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { migrate, startEmbeddedPostgres, type EmbeddedDatabase } from '#libs/database/index.js';
import { seedDemo } from '#libs/demo/index.js';
import { ensureBootstrapAdmin } from '#libs/identity/index.js';
import { type AppConfig, ConfigError, createLogger, ensureJwtSecret, loadConfig } from '#libs/platform/index.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let embedded: Promise<EmbeddedDatabase> | undefined;
  let app: NestFastifyApplication | undefined = undefined;
  const stopDatabase = async () => (await embedded?.catch(() => undefined))?.stop();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    // Requests that never finish must not keep the process (and its database) alive for ever.
    setTimeout(() => {
      logger.error('requests still in flight after 25 s: stopping anyway');
      void stopDatabase().finally(() => process.exit(1));
    }, 25_000).unref();
    try {
      await app?.close();
      await stopDatabase();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean stop');
      process.exit(1);
    }
  };
  // HTTP and sockets stop first, then the database (a crash stops the database through its own exit hook). Installed
  // before anything starts: a signal during start-up (the database initialising) must not leave the database behind.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  if (!config.databaseUrl) {
    logger.info({ dataDir: config.dataDir }, 'starting the embedded PostgreSQL');
    embedded = startEmbeddedPostgres({
      dataDir: config.dataDir,
      database: 'welfare',
      onLog: (message) => logger.debug({ postgres: message.trim() }),
      onWarning: (message) => logger.warn(message),
    });
    const { url, ownerUrl } = await embedded;
    config = ensureJwtSecret({ ...config, databaseUrl: url, databaseOwnerUrl: ownerUrl });
  } else if (!config.databaseOwnerUrl) {
    logger.warn(
      'DATABASE_OWNER_URL is not set: migrations run as the runtime role, so audit immutability rests on triggers alone',
    );
  }
  const databaseUrl = config.databaseUrl!;
  await migrate({
    ownerUrl: config.databaseOwnerUrl ?? databaseUrl,
    runtimeUrl: databaseUrl,
    migrations: MIGRATIONS,
    log: (message) => logger.info(message),
  });

  const webRoot = fileURLToPath(new URL('../../web/', import.meta.url));
  app = await createApp(config, logger, { swaggerUi: true, webRoot });
  await app.init();
  const dataSource = app.get<DataSource>(getDataSourceToken());
  // The demo city goes first: it is only created on an empty database.
  const demo = config.seedDemo ? await seedDemo(dataSource) : null;
  if (config.adminLoginId && config.adminPassword) {
    if (await ensureBootstrapAdmin(dataSource, config.adminLoginId, config.adminPassword)) {
      logger.info({ loginId: config.adminLoginId }, 'created the bootstrap system administrator');
    }
  }
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  if (demo) {
    console.log(`\nDemo city created. Log in at ${url} (API ${url}/api/v1, docs ${url}/api/docs) with password "${demo.password}":`);
    console.table(demo.logins);
  } else if (config.seedDemo) {
    console.log(`\nServing ${url}. The demo logins were printed when the demo city was first created (see README).`);
  }
  logger.info({ url }, 'listening');

}

main().catch((error: unknown) => {
  console.error('The server could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
