import type { z } from 'zod';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: readonly z.ZodType[];
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas `schema` stands for once wrappers (optional, default, pipe, lazy, union) are unwrapped. */
function objectsOf(schema: z.ZodType, depth = 0): Def[] {
  if (depth > 16) return [];
  const def = defOf(schema);
  if (def.type === 'object') return [def];
  const inner = def.innerType ?? def.in ?? def.getter?.();
  if (inner) return objectsOf(inner, depth + 1);
  if (def.options) return def.options.flatMap((option) => objectsOf(option, depth + 1));
  return [];
}

/** The schemas reached from `schema` by one step of `path` (a key or an index). */
function step(schema: z.ZodType, key: PropertyKey, depth = 0): z.ZodType[] {
  if (depth > 16) return [];
  const def = defOf(schema);
  if (def.type === 'object') {
    const field = typeof key === 'string' ? def.shape?.[key] : undefined;
    return field ? [field] : [];
  }
  if (def.type === 'array' && def.element) return [def.element];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  const inner = def.innerType ?? def.in ?? def.getter?.();
  if (inner) return step(inner, key, depth + 1);
  if (def.options) return def.options.flatMap((option) => step(option, key, depth + 1));
  return [];
}

/** The keys an object at `path` of `schema` accepts (empty when the path leads to no object schema). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType[] = [schema];
  for (const key of path) current = current.flatMap((s) => step(s, key));
  const keys = new Set<string>();
  for (const def of current.flatMap((s) => objectsOf(s)))
    for (const key of Object.keys(def.shape ?? {})) keys.add(key);
  return [...keys];
}
