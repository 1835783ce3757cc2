import {
  ConfigError,
  type ConfigIssue,
  type QosClassConfig,
  type RouteConfig,
  type RoutingStats,
} from '@slipstream/contracts';
import { AdaptiveClusterChooser, type AdaptiveClusterChooserOptions } from '../choice/AdaptiveClusterChooser';
import { monotonicClock, type Clock } from '../clock';
import { publishEvent, type EventPublisher } from '../events/publishEvent';
import { DEFAULT_QOS_CLASSES, normalizeQosClasses } from '../qos/normalizeQosClasses';
import { RouteTable, type ResolvedRoute, type RouteRequest } from '../table/RouteTable';

/** Options of a {@link Router}. */
export interface RouterOptions {
  /** The initial routes. Defaults to none (nothing matches). */
  routes?: RouteConfig[];
  /** The QoS classes policies may name. Defaults to critical / standard / bulk. */
  classes?: readonly QosClassConfig[];
  /** The cluster names routes may point at, read at each reload. Defaults to unchecked. */
  knownClusters?: () => Iterable<string>;
  /** The class of routes whose policy names none (the first table's; `validate` may change it). Defaults to 'standard'. */
  defaultQosClass?: string;
  /** Settings of the adaptive choice among a route's clusters. Defaults to the chooser's. */
  chooser?: Omit<AdaptiveClusterChooserOptions, 'onChange' | 'clock'>;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
}

/** A route table that has passed validation, ready to be swapped in. */
export interface ValidatedRoutes {
  readonly table: RouteTable;
  readonly classes: readonly QosClassConfig[];
}

/**
 * Holds the current route table and answers which route and cluster a request goes to.
 *
 * - **Hot reload**: `replace()` validates the new table first; an invalid one throws a
 *   `ConfigError` listing every reason and the old table keeps serving. Tables are immutable
 *   snapshots and a resolved route carries its policy, so requests in flight finish under the
 *   table they started with.
 * - **Adaptive choice**: a route with several clusters goes to the best by measured latency
 *   and errors (`AdaptiveClusterChooser`); feed outcomes with `record()`. A change of choice is
 *   published as `network.route.changed`.
 */
export class Router {
  private current: RouteTable;
  private classes: readonly QosClassConfig[];
  private choosers = new Map<string, AdaptiveClusterChooser>();
  /** Requests counted by the tables swapped out, per route id (the current table counts its own). */
  private readonly retiredRequests = new Map<string, number>();
  private readonly clock: Clock;
  private readonly knownClusters: RouterOptions['knownClusters'];
  private readonly chooserOptions: RouterOptions['chooser'];
  private readonly bus: EventPublisher | undefined;
  /** The adaptive choice among a multi-cluster route's clusters, as an index (bound once: no per-request closure). */
  private readonly chooseCluster = (routeId: string): number =>
    this.choosers.get(routeId)?.chooseIndex() ?? 0;

  constructor(options: RouterOptions = {}, bus?: EventPublisher) {
    this.clock = options.clock ?? monotonicClock;
    this.knownClusters = options.knownClusters;
    this.chooserOptions = options.chooser;
    this.bus = bus;
    this.current = RouteTable.compile([], { version: 0 });
    this.classes = DEFAULT_QOS_CLASSES;
    this.apply(this.validate(options.routes ?? [], options.classes, options.defaultQosClass ?? 'standard'));
  }

  /** The table serving now: an immutable snapshot. */
  get table(): RouteTable {
    return this.current;
  }

  /** The QoS classes policies may name now (`replace` and `apply` may change them). */
  get qosClasses(): readonly QosClassConfig[] {
    return this.classes;
  }

  /**
   * Checks a new table (and classes and default class, when given) against the known clusters
   * without applying it. Throws a `ConfigError` with every reason when it is invalid.
   */
  validate(
    routes: readonly RouteConfig[],
    classes?: readonly QosClassConfig[],
    defaultQosClass: string = this.current.defaultQosClass,
  ): ValidatedRoutes {
    const issues: ConfigIssue[] = [];
    let names = this.classes.map((c) => c.name);
    if (classes) {
      try {
        names = normalizeQosClasses(classes).map((c) => c.name);
      } catch (e) {
        if (!ConfigError.is(e)) throw e;
        issues.push(...e.issues);
      }
    }
    if (!names.includes(defaultQosClass)) {
      issues.push({
        path: 'classes',
        expected: `a class named "${defaultQosClass}" (the default)`,
        received: names.join(', '),
      });
    }
    let table: RouteTable | undefined;
    try {
      table = RouteTable.compile(routes, {
        knownClusters: this.knownClusters?.(),
        qosClasses: names,
        clock: this.clock,
        version: this.current.version + 1,
        defaultQosClass,
      });
    } catch (e) {
      if (!ConfigError.is(e)) throw e;
      issues.push(...e.issues);
    }
    if (!table || issues.length > 0) throw new ConfigError(issues);
    return { table, classes: classes ?? this.classes };
  }

  /**
   * Replaces the route table (and the classes policies may name). Validates first: an invalid
   * table throws a `ConfigError` listing every reason and the old one keeps serving.
   */
  replace(routes: readonly RouteConfig[], classes?: readonly QosClassConfig[]): RouteTable {
    return this.apply(this.validate(routes, classes));
  }

  /** Swaps in a table that passed `validate()`. */
  apply(validated: ValidatedRoutes): RouteTable {
    const choosers = new Map<string, AdaptiveClusterChooser>();
    for (const route of validated.table.routes) {
      const clusters = [route.cluster].flat();
      if (clusters.length < 2) continue;
      const kept = this.choosers.get(route.id);
      choosers.set(
        route.id,
        kept && kept.clusters.join('\n') === clusters.join('\n') ? kept : this.newChooser(route.id, clusters),
      );
    }
    this.choosers = choosers;
    this.classes = validated.classes;
    if (validated.table !== this.current) {
      for (const [id, n] of Object.entries(this.current.requestsByRoute()))
        this.retiredRequests.set(id, (this.retiredRequests.get(id) ?? 0) + n);
    }
    this.current = validated.table;
    return validated.table;
  }

  /**
   * The route for a request, with the cluster to send to (the adaptive choice for routes
   * with several), or `undefined` when no route matches.
   */
  resolve(req: RouteRequest): ResolvedRoute | undefined {
    return this.current.match(req, this.chooseCluster);
  }

  /** Reports the measured outcome of a request sent along `route` to `route.cluster`. */
  record(route: ResolvedRoute, outcome: { latencyMs: number; error?: boolean }): void {
    this.choosers.get(route.id)?.record(route.cluster, outcome);
  }

  /** Measured state: routes, requests per route, the cluster chosen now for routes with alternatives. */
  stats(): Pick<RoutingStats, 'routes' | 'requestsByRoute' | 'activeClusters'> {
    const activeClusters: Record<string, string> = {};
    for (const [id, chooser] of this.choosers) activeClusters[id] = chooser.active;
    const requestsByRoute = Object.fromEntries(this.retiredRequests);
    for (const [id, n] of Object.entries(this.current.requestsByRoute()))
      requestsByRoute[id] = (requestsByRoute[id] ?? 0) + n;
    return { routes: this.current.routes.length, requestsByRoute, activeClusters };
  }

  private newChooser(route: string, clusters: string[]): AdaptiveClusterChooser {
    return new AdaptiveClusterChooser(clusters, {
      ...this.chooserOptions,
      clock: this.clock,
      onChange: (change) => publishEvent(this.bus, 'network.route.changed', { route, ...change }),
    });
  }
}
