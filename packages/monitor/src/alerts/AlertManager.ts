import { inject, injectable, optional } from 'inversify';
import { ConfigError, TOKENS } from '@slipstream/contracts';
import type { AlertEvent, AlertRuleConfig, ConfigIssue, EventBus, Logger } from '@slipstream/contracts';
import type { MetricsRegistry } from '../registry/MetricsRegistry';
import { MONITOR_TOKENS } from '../tokens';
import { readAlertMetric } from './readAlertMetric';

/** Options of the `AlertManager`. */
export interface AlertManagerOptions {
  /** The rules to evaluate. Defaults to none. */
  rules?: AlertRuleConfig[];
  /** Period of rule evaluation, ms. Defaults to 1_000 ms. */
  evaluationIntervalMs?: number;
  /** The clock, ms since the epoch. Defaults to `Date.now`. */
  clock?: () => number;
}

const DEFAULTS = Object.freeze({ rules: [], evaluationIntervalMs: 1_000, clock: () => Date.now() });

const METRICS = new Set([
  'errorRate',
  'latencyP99',
  'healthScore',
  'breakerOpen',
  'shedRate',
  'certificateExpiryDays',
]);

/** Where a rule stands: good, breaching but not yet for `forMs`, or firing. */
type RuleState =
  { phase: 'ok' } | { phase: 'pending'; since: number } | { phase: 'firing'; event: AlertEvent };

/** A rule with its state. */
interface RuleEntry {
  rule: Required<Omit<AlertRuleConfig, 'cluster'>> & Pick<AlertRuleConfig, 'cluster'>;
  state: RuleState;
}

/** The reasons a rule table is refused (empty when it is valid). */
function validateRules(rules: readonly AlertRuleConfig[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    const at = `alertRules[${i}]`;
    if (typeof rule.name !== 'string' || rule.name === '' || names.has(rule.name)) {
      issues.push({
        path: `${at}.name`,
        expected: 'a unique non-empty string',
        received: JSON.stringify(rule.name),
      });
    }
    names.add(rule.name);
    if (!METRICS.has(rule.metric)) {
      issues.push({
        path: `${at}.metric`,
        expected: [...METRICS].join(' | '),
        received: String(rule.metric),
      });
    }
    if (rule.comparator !== '>' && rule.comparator !== '<') {
      issues.push({ path: `${at}.comparator`, expected: "'>' or '<'", received: String(rule.comparator) });
    }
    if (!Number.isFinite(rule.threshold)) {
      issues.push({ path: `${at}.threshold`, expected: 'a finite number', received: String(rule.threshold) });
    }
    for (const field of ['forMs', 'hysteresis'] as const) {
      const value = rule[field];
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
        issues.push({ path: `${at}.${field}`, expected: 'a number ≥ 0', received: String(value) });
      }
    }
  });
  return issues;
}

/**
 * Evaluates threshold alert rules against the registry on a timer. A rule fires once its
 * metric has been on the bad side of the threshold for `forMs`, and resolves once it is
 * back by at least `hysteresis`; each episode publishes exactly one `network.alert.fired`
 * and one `network.alert.resolved`, and logs both.
 */
@injectable()
export class AlertManager {
  private entries: RuleEntry[] = [];
  private readonly intervalMs: number;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private fired = 0;

  constructor(
    @inject(TOKENS.MetricsRegistry) private readonly registry: MetricsRegistry,
    @inject(TOKENS.EventBus) private readonly bus: EventBus,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(MONITOR_TOKENS.AlertManagerOptions) @optional() options: AlertManagerOptions = {},
  ) {
    this.intervalMs = options.evaluationIntervalMs ?? DEFAULTS.evaluationIntervalMs;
    this.clock = options.clock ?? DEFAULTS.clock;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs <= 0) {
      throw new ConfigError([
        { path: 'evaluationIntervalMs', expected: 'a number of ms > 0', received: String(this.intervalMs) },
      ]);
    }
    this.setRules(options.rules ?? DEFAULTS.rules);
  }

  /** Alerts fired since start. */
  get alertsFired(): number {
    return this.fired;
  }

  /** The rule table in force, each rule's defaults (`forMs`, `hysteresis`, `severity`) filled in. */
  get rules(): AlertRuleConfig[] {
    return this.entries.map(({ rule }) => {
      const { cluster, ...rest } = rule;
      return cluster === undefined ? rest : { ...rest, cluster };
    });
  }

  /**
   * Replaces the rule table. An invalid table throws a `ConfigError` listing every issue and
   * the old table stays. Rules kept by name keep their state; dropped firing rules resolve
   * silently (no event: the rule no longer exists).
   */
  setRules(rules: readonly AlertRuleConfig[]): void {
    const issues = validateRules(rules);
    if (issues.length > 0) throw new ConfigError(issues);
    const previous = new Map(this.entries.map((e) => [e.rule.name, e.state]));
    this.entries = rules.map((rule) => ({
      rule: {
        name: rule.name,
        metric: rule.metric,
        comparator: rule.comparator,
        threshold: rule.threshold,
        forMs: rule.forMs ?? 0,
        hysteresis: rule.hysteresis ?? 0,
        severity: rule.severity ?? 'warning',
        cluster: rule.cluster,
      },
      state: previous.get(rule.name) ?? { phase: 'ok' },
    }));
  }

  /** Alerts firing now. */
  firing(): AlertEvent[] {
    return this.entries.flatMap((e) => (e.state.phase === 'firing' ? [e.state.event] : []));
  }

  /** Starts evaluating every `evaluationIntervalMs` (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.evaluate(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops evaluating. Firing alerts stay as they are. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Evaluates every rule once, at `now`. A rule whose metric cannot be read (a stats source
   * threw) is logged and skipped; the others are evaluated and nothing is thrown, since this
   * runs in a timer callback.
   */
  evaluate(now: number = this.clock()): void {
    for (const entry of this.entries) {
      try {
        this.step(entry, now);
      } catch (err) {
        this.logger.warn('alert rule not evaluated', { rule: entry.rule.name, error: err });
      }
    }
  }

  private step(entry: RuleEntry, now: number): void {
    const { rule, state } = entry;
    const value = readAlertMetric(this.registry, rule.metric, rule.cluster);
    const breaching = rule.comparator === '>' ? value > rule.threshold : value < rule.threshold;
    switch (state.phase) {
      case 'ok':
      case 'pending': {
        if (!breaching) {
          entry.state = { phase: 'ok' };
          return;
        }
        const since = state.phase === 'pending' ? state.since : now;
        if (now - since >= rule.forMs) this.fire(entry, value);
        else entry.state = { phase: 'pending', since };
        return;
      }
      case 'firing': {
        const recovered =
          rule.comparator === '>'
            ? value <= rule.threshold - rule.hysteresis
            : value >= rule.threshold + rule.hysteresis;
        if (recovered) this.resolve(entry, value);
        return;
      }
    }
  }

  private fire(entry: RuleEntry, value: number): void {
    const event = this.eventOf(entry, value, 'fired');
    entry.state = { phase: 'firing', event };
    this.fired += 1;
    if (entry.rule.severity === 'critical') this.logger.error(event.message, { alert: event });
    else this.logger.warn(event.message, { alert: event });
    this.publish('network.alert.fired', event);
  }

  private resolve(entry: RuleEntry, value: number): void {
    const event = this.eventOf(entry, value, 'resolved');
    entry.state = { phase: 'ok' };
    this.logger.info(event.message, { alert: event });
    this.publish('network.alert.resolved', event);
  }

  private eventOf(entry: RuleEntry, value: number, what: 'fired' | 'resolved'): AlertEvent {
    const { rule } = entry;
    const event: AlertEvent = {
      rule: rule.name,
      metric: rule.metric,
      severity: rule.severity,
      value,
      threshold: rule.threshold,
      message: `alert ${rule.name} ${what}: ${rule.metric}${rule.cluster ? `[${rule.cluster}]` : ''} = ${value} (threshold ${rule.comparator} ${rule.threshold})`,
    };
    if (rule.cluster !== undefined) event.cluster = rule.cluster;
    return event;
  }

  private publish(topic: 'network.alert.fired' | 'network.alert.resolved', event: AlertEvent): void {
    this.bus.publish(topic, event).catch((err: unknown) => {
      this.logger.warn('alert event not published', { topic, rule: event.rule, error: err });
    });
  }
}
