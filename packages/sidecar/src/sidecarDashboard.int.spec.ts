import { createLogger } from '@slipstream/core';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { send } from './test/httpExchange';

/** Debian's chromium, which `.ci/run` installs when missing. */
const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshot goes: the README's picture when SLIPSTREAM_SCREENSHOT=1, else a temporary file. */
const SCREENSHOT = join(__dirname, '..', '..', '..', 'docs', 'dashboard.png');
/** The bound for the breaker and the alert to show on the page, ms. */
const SHOWN_WITHIN_MS = 5_000;

describe("the sidecar's /dashboard in a real browser (chromium)", () => {
  let ups: Upstream[];
  let sidecar: RunningSidecar;
  let browser: BrowserContext;
  let userDataDir: string;
  let stopTraffic = false;
  let traffic: Promise<void> | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} not found: install Debian's "chromium" (.ci/run does)`);
    ups = await startUpstreams(2);
    sidecar = await startSidecar({
      logger: createLogger({ silent: true }),
      config: {
        network: {
          clusters: [
            {
              cluster: 'api',
              algorithm: 'round-robin',
              endpoints: ups.map((u) => ({ origin: u.origin })),
              // No ejections: the broken endpoint keeps its share of traffic, so its breaker decides.
              outlierDetection: { maxEjectionPercent: 0 },
            },
          ],
          routes: [{ id: 'work', match: { path: '/work' }, cluster: 'api' }],
          classes: [
            { name: 'standard', priority: 1, shedOrder: 1 },
            { name: 'batch', priority: 0, shedOrder: 0 },
          ],
          // A 1 s rolling window: the broken endpoint's failures outweigh its earlier successes within it.
          breaker: {
            volumeThreshold: 3,
            resetTimeoutMs: 1_000,
            rollingCountTimeoutMs: 1_000,
            rollingCountBuckets: 10,
          },
          monitoring: {
            alertRules: [
              {
                name: 'breaker-open',
                metric: 'breakerOpen',
                comparator: '>',
                threshold: 0,
                severity: 'critical',
              },
            ],
          },
        },
        sidecar: { listen: { port: 0 }, admin: { port: 0 }, watch: false },
      },
    });
    userDataDir = mkdtempSync(join(tmpdir(), 'slipstream-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    stopTraffic = true;
    await traffic;
    await browser?.close();
    await sidecar?.stop();
    await Promise.all((ups ?? []).map((u) => u.close()));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Requests through the sidecar's proxy in a loop, 4 in flight, until stopped (bounded: 60 s at most). */
  function startTraffic(): Promise<void> {
    const until = Date.now() + 60_000;
    const worker = async (i: number): Promise<void> => {
      while (!stopTraffic && Date.now() < until) {
        await send(sidecar.proxyUrl, {
          path: '/work',
          headers: { 'x-slipstream-priority': i === 0 ? 'batch' : 'standard' },
        }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    return Promise.all([0, 1, 2, 3].map(worker)).then(() => undefined);
  }

  const rate = (page: Page) => page.locator('#rate-api').textContent();
  const breakerOf = (page: Page, origin: string) =>
    page.locator(`tr[data-endpoint="api ${origin}"] .breaker`);

  it('when traffic flows and an endpoint breaks and heals, shows the rate rise, its breaker open with the alert firing, then closed', async () => {
    const page = await browser.newPage();
    await page.goto(`${sidecar.adminUrl!}/dashboard`);
    await page.locator('#status', { hasText: 'live' }).waitFor();
    expect(Number(await rate(page))).toBe(0);

    traffic = startTraffic();
    // Bounded poll of the page's own figure (updated every second by the server-sent events).
    for (let i = 0; i < 200 && !(Number(await rate(page)) > 0); i++) await page.waitForTimeout(50);
    expect(Number(await rate(page))).toBeGreaterThan(0);

    const broken = ups[1]!;
    broken.setBehaviour({ status: 500 });
    await breakerOf(page, broken.origin).filter({ hasText: 'open' }).waitFor({ timeout: SHOWN_WITHIN_MS });
    await page.locator('#alerts li[data-rule="breaker-open"]').waitFor({ timeout: SHOWN_WITHIN_MS });
    const screenshot =
      process.env.SLIPSTREAM_SCREENSHOT === '1' ? SCREENSHOT : join(userDataDir, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });

    broken.setBehaviour({});
    await breakerOf(page, broken.origin).filter({ hasText: 'closed' }).waitFor({ timeout: 15_000 });
    await page
      .locator('#alerts li[data-rule="breaker-open"]')
      .waitFor({ state: 'detached', timeout: 15_000 });
    expect(existsSync(screenshot)).toBe(true);
  });
});
