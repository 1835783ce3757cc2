import { z } from 'zod';
import { systemConfigSchema } from './systemConfigSchema';

/** A JSON Schema node, as far as the reference reads it. */
export interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  additionalProperties?: unknown;
  [keyword: string]: unknown;
}

/** Where the generated schema is published inside the package (and its `exports` name). */
export const SYSTEM_SCHEMA_FILE = 'slipstream.schema.json';

/**
 * The JSON Schema of a config file, generated from `systemConfigSchema` (what a file may say,
 * defaults included). `nodeId`'s default depends on the machine, so the schema states it in words.
 */
export function systemJsonSchema(): JsonSchemaNode {
  const schema = z.toJSONSchema(systemConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchemaNode;
  const nodeId = schema.properties?.nodeId;
  if (nodeId !== undefined) {
    delete nodeId.default;
    nodeId.description = 'Id of this node in envelopes and lifecycle events. Defaults to <hostname>-<pid>.';
  }
  return { ...schema, title: 'Slipstream config file (YAML or JSON)' };
}
