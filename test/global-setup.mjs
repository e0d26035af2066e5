// Once per `jest` run: a real PostgreSQL cluster in a temporary directory, migrated once into a template database
// that every test file clones (CREATE DATABASE … TEMPLATE). Uses the build that `npm test` makes first.
import { startTestCluster } from '../dist/libs/database/testing/test-cluster.js';

export default async function globalSetup() {
  const cluster = await startTestCluster();
  globalThis.__testCluster = cluster;
  process.env.TEST_PG_URL = cluster.url;
  process.env.TEST_PG_OWNER_URL = cluster.ownerUrl;
  process.env.TEST_PG_TEMPLATE = cluster.template;
}
