import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from '#libs/database/index.js';
import { TEST_PASSWORD, TestApp } from '../../api/test/harness.js';

const MAIN = join(process.cwd(), 'dist/apps/api/main.js');
const JWT_SECRET = 'test-secret-test-secret-test-secret-0001'; // the harness's, so its tokens and users work on both
export const SCREENSHOTS = join(process.cwd(), 'docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// STACK.md: without the background-networking flags Chromium floods a closed network with refused connections.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One page of a browser context, with everything it saw recorded for the assertions every screen must pass. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Text of every response body the page received from the server (API answers included). */
  bodies: { url: string; body: string }[];
  /** Live (Socket.IO) frames the page received. */
  frames: string[];
  consoleErrors: string[];
  /** Requests to any other origin (there must be none). */
  foreignRequests: string[];
}

/**
 * A browser test environment: the BUILT server (`npm run build`) started as a child process, exactly as `npm start`
 * runs it, on a fresh clone of the migrated test database; an in-process TestApp on the same database for fixtures
 * (organisations, users, tokens, API calls); and headless Chromium through playwright-core.
 */
export class BrowserEnv {
  api!: TestApp;
  baseUrl!: string;
  browser!: Browser;
  private server?: ChildProcess;
  private output = '';
  private readonly pages: WatchedPage[] = [];

  static async start(): Promise<BrowserEnv> {
    const env = new BrowserEnv();
    env.api = await TestApp.start({ JWT_SECRET });
    const port = await freePort();
    env.baseUrl = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: env.api.db.url,
        DATABASE_OWNER_URL: env.api.db.ownerUrl,
        JWT_SECRET,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    env.server = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        env.output += chunk.toString();
        if (env.output.includes('"msg":"listening"')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${env.output}`)));
    });
    env.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    return env;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pages.map((p) => p.context.close()));
    await this.browser?.close().catch(() => undefined);
    if (this.server && this.server.exitCode === null) {
      const exited = new Promise((resolve) => this.server!.once('exit', resolve));
      this.server.kill('SIGTERM');
      await exited;
    }
    await this.api?.close();
  }

  /** A new, isolated browser context (its own cookies and storage) and its page, watched. */
  async newPage(options: { width?: number; height?: number; locale?: string } = {}): Promise<WatchedPage> {
    const context = await this.browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      locale: options.locale ?? 'ja-JP',
      timezoneId: 'America/New_York', // times must show in Asia/Tokyo whatever the browser's zone
    });
    const page = await context.newPage();
    const watched: WatchedPage = { context, page, bodies: [], frames: [], consoleErrors: [], foreignRequests: [] };
    const origin = new URL(this.baseUrl).origin;
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) watched.foreignRequests.push(url);
    });
    page.on('response', async (res) => {
      try {
        watched.bodies.push({ url: res.url(), body: (await res.body()).toString('utf8') });
      } catch {
        // redirects and aborted requests have no body
      }
    });
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => watched.frames.push(String(frame.payload))));
    page.on('console', (msg) => {
      if (msg.type() === 'error') watched.consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => watched.consoleErrors.push(error.message));
    this.pages.push(watched);
    return watched;
  }

  /** Logs a fixture user (password TEST_PASSWORD) in through the login screen and waits for the shell. */
  async login(watched: WatchedPage, loginId: string, path = '/'): Promise<void> {
    const { page } = watched;
    await page.goto(`${this.baseUrl}${path}`);
    await page.getByTestId('login-id').fill(loginId);
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-user').waitFor();
  }

  async screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }
}

/** Runs axe-core in the page; returns the serious and critical violations (there must be none). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline scripts) stays in force.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: any }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
  return result.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical');
}

/** Nothing the page stored in Web Storage looks like a token. */
export async function webStorage(page: Page): Promise<string> {
  return page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
}
