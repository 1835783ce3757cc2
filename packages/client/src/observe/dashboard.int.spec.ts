import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createLogger, InProcessTransport, MessageBus } from '@slipstream/core';
import {
  AdminServer,
  AlertManager,
  MetricsRegistry,
  PrometheusExporter,
  RequestMetrics,
} from '@slipstream/monitor';
import { startUpstreams, type Upstream } from '@slipstream/testkit';
import { createNetworkClient } from '../createNetworkClient';
import type { NetworkClient } from '../NetworkClient';

/** Debian's chromium, which `.ci/run` installs when missing. */
const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshot goes: the README's picture when SLIPSTREAM_SCREENSHOT=1, else a temporary file. */
const SCREENSHOT = join(__dirname, '..', '..', '..', '..', 'docs', 'dashboard.png');
/** The bound for the breaker and the alert to show on the page, ms. */
const SHOWN_WITHIN_MS = 5_000;

describe('the /dashboard page in a real browser (chromium)', () => {
  let ups: Upstream[];
  let client: NetworkClient;
  let registry: MetricsRegistry;
  let alerts: AlertManager;
  let admin: AdminServer;
  let bus: MessageBus;
  let browser: BrowserContext;
  let userDataDir: string;
  let stopTraffic = false;
  let traffic: Promise<void>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} not found: install Debian's "chromium" (.ci/run does)`);
    ups = await startUpstreams(2);
    registry = new MetricsRegistry({ windowMs: 60_000 });
    const requests = new RequestMetrics();
    const logger = createLogger({ silent: true });
    bus = new MessageBus(new InProcessTransport(), logger, { source: 'dashboard-test' });
    alerts = new AlertManager(registry, bus, logger, {
      evaluationIntervalMs: 200,
      rules: [
        { name: 'breaker-open', metric: 'breakerOpen', comparator: '>', threshold: 0, severity: 'critical' },
      ],
    });
    client = createNetworkClient(
      {
        clusters: [
          {
            cluster: 'api',
            algorithm: 'round-robin',
            endpoints: ups.map((u) => ({ origin: u.origin })),
            // No ejections: the broken endpoint keeps its share of traffic, so its breaker decides.
            outlierDetection: { maxEjectionPercent: 0 },
          },
        ],
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
      },
      { metrics: registry, observers: [requests] },
    );
    admin = new AdminServer(
      registry,
      new PrometheusExporter(registry, requests),
      { port: 0, dashboardIntervalMs: 250 },
      logger,
      alerts,
      requests,
    );
    await admin.start();
    alerts.start();
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
    alerts?.stop();
    await admin?.close();
    await client?.close();
    registry?.close();
    await bus?.close();
    await Promise.all((ups ?? []).map((u) => u.close()));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Requests in a loop, 4 in flight, until stopped (bounded: 60 s at most). */
  function startTraffic(): Promise<void> {
    const until = Date.now() + 60_000;
    const worker = async (i: number): Promise<void> => {
      while (!stopTraffic && Date.now() < until) {
        await client
          .request({ path: '/work', cluster: 'api' }, { priority: i === 0 ? 'batch' : 'standard' })
          .catch(() => undefined);
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
    await page.goto(`${admin.url!}/dashboard`);
    await page.locator('#status', { hasText: 'live' }).waitFor();
    expect(Number(await rate(page))).toBe(0);

    traffic = startTraffic();
    // Bounded poll of the page's own figure (updated every 250 ms by the server-sent events).
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
