import { DependencyError, type Agent } from '@slipstream/contracts';

/**
 * The agents in start order: every agent after the agents it `dependsOn`, otherwise in the
 * order given. Throws `DependencyError` for an unknown dependency or a cycle (naming it).
 */
export function resolveStartOrder(agents: readonly Agent[]): Agent[] {
  const byId = new Map(agents.map((agent) => [agent.id, agent]));
  const order: Agent[] = [];
  const done = new Set<string>();
  const path: string[] = [];

  const visit = (agent: Agent): void => {
    if (done.has(agent.id)) return;
    const seen = path.indexOf(agent.id);
    if (seen !== -1) {
      throw new DependencyError(`dependency cycle: ${[...path.slice(seen), agent.id].join(' -> ')}`);
    }
    path.push(agent.id);
    for (const id of agent.dependsOn ?? []) {
      const dependency = byId.get(id);
      if (dependency === undefined) {
        throw new DependencyError(`agent "${agent.id}" depends on unknown agent "${id}"`);
      }
      visit(dependency);
    }
    path.pop();
    done.add(agent.id);
    order.push(agent);
  };

  agents.forEach(visit);
  return order;
}
