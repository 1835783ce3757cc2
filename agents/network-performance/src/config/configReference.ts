import type { JsonSchemaNode } from './systemJsonSchema';

/** A JSON Schema type in words, with its bounds. */
function typeOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum !== undefined) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives !== undefined) return alternatives.map(typeOf).join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
  const bounds: string[] = [];
  if (node.exclusiveMinimum !== undefined) bounds.push(`> ${node.exclusiveMinimum}`);
  if (node.minimum !== undefined) bounds.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) bounds.push(`< ${node.exclusiveMaximum}`);
  if (node.minItems !== undefined) bounds.push(`at least ${node.minItems} item(s)`);
  if (node.minLength !== undefined && node.minLength > 0) bounds.push('non-empty');
  if (type === 'array' && node.items !== undefined)
    return `array of ${typeOf(node.items)}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
  return bounds.length ? `${type} (${bounds.join(', ')})` : type;
}

/** One row per option: path, type, whether required, default, description. */
function rows(node: JsonSchemaNode, path: string, required: boolean, out: string[]): void {
  const def =
    node.default === undefined ? (required ? 'required' : '—') : `\`${JSON.stringify(node.default)}\``;
  const open = node.additionalProperties !== undefined && node.additionalProperties !== false;
  const note = open && node.type === 'object' ? ' Further keys: see the section’s bus command type.' : '';
  if (path !== '')
    out.push(
      `| \`${path}\` | ${typeOf(node).replace(/\|(?! )/g, '\\|')} | ${def} | ${(node.description ?? '') + note} |`,
    );
  const children = node.properties ?? (node.type === 'array' ? node.items?.properties : undefined);
  const childRequired = node.required ?? (node.type === 'array' ? node.items?.required : undefined) ?? [];
  const prefix = node.type === 'array' ? `${path}[]` : path;
  for (const [key, child] of Object.entries(children ?? {})) {
    rows(child, prefix === '' ? key : `${prefix}.${key}`, childRequired.includes(key), out);
  }
  for (const [i, alternative] of (node.oneOf ?? []).entries()) {
    for (const [key, child] of Object.entries(alternative.properties ?? {})) {
      rows(
        child,
        `${path}.${key} (${typeOf(alternative.properties?.transport ?? {}) || `variant ${i + 1}`})`,
        (alternative.required ?? []).includes(key),
        out,
      );
    }
  }
}

/**
 * The configuration reference (markdown) generated from the config file's JSON Schema: every
 * option's path, type with bounds, default (or `required`) and description.
 */
export function configReference(schema: JsonSchemaNode): string {
  const table: string[] = [];
  rows(schema, '', false, table);
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from the schemas by agents/network-performance/src/config/configReference.spec.ts',
    '     (UPDATE_CONFIG_REFERENCE=1 npx jest configReference rewrites it); do not edit by hand. -->',
    '',
    'A Slipstream config file is YAML (`.yaml`, `.yml`) or JSON, one for `slipstream validate`,',
    '`slipstream run` and `slipstream sidecar` (the proxy process, which alone reads `sidecar` and',
    '`fleet`). `slipstream validate FILE` checks it as the other two do before they start (schema,',
    'checks across sections, the pipeline built without starting it) and lists every problem (exit',
    '2); a running system reloads it on change and on SIGHUP. Editors complete it from the JSON',
    'Schema shipped as',
    '`@slipstream/agent-network-performance/slipstream.schema.json`:',
    '',
    '```yaml',
    '# yaml-language-server: $schema=./node_modules/@slipstream/agent-network-performance/slipstream.schema.json',
    '```',
    '',
    'Durations are in milliseconds (`…Ms`). Unknown keys are refused, the nearest known name',
    'suggested; sections marked "further keys" are checked by their bus command when applied.',
    '',
    '| Path | Type | Default | Description |',
    '|---|---|---|---|',
    ...table,
    '',
  ].join('\n');
}
