/**
 * What is wrong with `candidate` as an `Agent` (empty when nothing): a non-empty string `id`, a
 * string `role`, an array of strings `capabilities`, an optional array of strings `dependsOn`,
 * and `start`, `stop` and `health` functions.
 */
export function checkAgentContract(candidate: unknown): string[] {
  if (typeof candidate !== 'object' || candidate === null)
    return [`expected an object, received ${typeof candidate}`];
  const agent = candidate as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof agent.id !== 'string' || agent.id.trim() === '') problems.push('id must be a non-empty string');
  if (typeof agent.role !== 'string') problems.push('role must be a string');
  if (!isStringArray(agent.capabilities)) problems.push('capabilities must be an array of strings');
  if (agent.dependsOn !== undefined && !isStringArray(agent.dependsOn)) {
    problems.push('dependsOn must be an array of agent ids');
  }
  for (const method of ['start', 'stop', 'health']) {
    if (typeof agent[method] !== 'function') problems.push(`${method} must be a function`);
  }
  return problems;
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
