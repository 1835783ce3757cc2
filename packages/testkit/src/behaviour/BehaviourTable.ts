import { ConfigError } from '@slipstream/contracts';
import type { Behaviour, BehaviourMatch, BehaviourRule } from './Behaviour';
import { isRuleList, validateBehaviour, validateRules } from './validateBehaviour';

function matches(match: BehaviourMatch, method: string, path: string): boolean {
  return (
    (match.method === undefined || match.method.toUpperCase() === method.toUpperCase()) &&
    (match.path === undefined || match.path === path) &&
    (match.pathPrefix === undefined || path.startsWith(match.pathPrefix))
  );
}

/**
 * The upstream's behaviour: an ordered list of rules over a default. A request gets the
 * default, overlaid with the first matching rule, overlaid with its own override.
 */
export class BehaviourTable {
  private rules: readonly BehaviourRule[];
  private fallback: Behaviour;

  constructor(rules: readonly BehaviourRule[], fallback: Behaviour) {
    this.rules = [];
    this.fallback = {};
    this.set(rules);
    this.set(fallback);
  }

  /** Replaces the rules (given an array) or the default behaviour (given an object). Throws `ConfigError` when invalid. */
  set(config: readonly BehaviourRule[] | Behaviour): void {
    const list = isRuleList(config);
    const issues = list ? validateRules(config, 'rules') : validateBehaviour(config, 'behaviour');
    if (issues.length > 0) throw new ConfigError(issues);
    if (list) this.rules = config.map((r) => ({ match: { ...r.match }, behaviour: { ...r.behaviour } }));
    else this.fallback = { ...config };
  }

  /** The behaviour for one request. */
  resolve(method: string, path: string, override: Behaviour = {}): Behaviour {
    const rule = this.rules.find((r) => matches(r.match, method, path));
    return { ...this.fallback, ...rule?.behaviour, ...override };
  }
}
