import { z } from 'zod';
import type { SchemaObject } from './openapi-types';

const COMPONENT_REF = (id: string): string => `#/components/schemas/${id}`;

/** zod's bounds of a bare `.int()`: noise in a document, so they are left out. */
const SAFE_INT_BOUNDS = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];

type JsonSchemaOverride = NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'];

/**
 * The messages of a schema's `.refine()` checks. JSON Schema cannot express a refinement,
 * but its message says the rule in words (e.g. "must be 0 (SIMPLE), 1 (CRON), 2 (PERIODIC)
 * or 3 (DEPENDENT)"), so the document shows it as the field's description. This reads zod's
 * check definitions (`_zod.def`, zod 4's documented internals); anything unexpected is skipped.
 */
function refinementMessages(schema: z.core.$ZodType): string[] {
  const messages: string[] = [];
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def as { check?: string; error?: unknown };
    if (def.check !== 'custom' || typeof def.error !== 'function') continue;
    let message: unknown;
    try {
      message = (def.error as (issue: unknown) => unknown)({ code: 'custom', input: undefined, path: [] });
    } catch {
      continue;
    }
    if (typeof message === 'object' && message !== null && 'message' in message) message = message.message;
    if (typeof message === 'string' && message.trim() !== '') messages.push(message.trim());
  }
  return messages;
}

const override: JsonSchemaOverride = ({ zodSchema, jsonSchema }) => {
  if (jsonSchema.minimum !== undefined && SAFE_INT_BOUNDS.includes(jsonSchema.minimum))
    delete jsonSchema.minimum;
  if (jsonSchema.maximum !== undefined && SAFE_INT_BOUNDS.includes(jsonSchema.maximum))
    delete jsonSchema.maximum;
  const rules = refinementMessages(zodSchema);
  if (rules.length > 0) {
    const text = rules.map((r) => r.charAt(0).toUpperCase() + r.slice(1)).join('. ');
    jsonSchema.description = jsonSchema.description ? `${jsonSchema.description}. ${text}` : text;
  }
};

/** What a request accepts, not what the controller makes of it: defaults are optional, transforms ignored. */
const OPTIONS = { io: 'input', override, unrepresentable: 'any', target: 'draft-2020-12' } as const;

function clean(schema: Record<string, unknown>): SchemaObject {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * The named zod schemas of the document, converted together (zod 4's `z.toJSONSchema` over
 * a registry), so that a schema used inside another (a JobKey inside persistJob's body) is
 * a `$ref` to its component instead of a copy.
 */
export class ComponentSchemas {
  private readonly registry = z.registry<{ id: string }>();
  private readonly byName = new Map<string, z.ZodType>();

  /** Adds `schema` as `#/components/schemas/<name>`; answers the `$ref` to it. */
  add(name: string, schema: z.ZodType): { $ref: string } {
    const existing = this.byName.get(name);
    if (existing !== undefined && existing !== schema) {
      throw new Error(`OpenAPI: the component name ${name} is given to two different schemas`);
    }
    const registered = this.registry.get(schema);
    if (registered !== undefined && registered.id !== name) {
      throw new Error(`OpenAPI: one schema is named both ${registered.id} and ${name}`);
    }
    this.byName.set(name, schema);
    if (registered === undefined) this.registry.add(schema, { id: name });
    return { $ref: COMPONENT_REF(name) };
  }

  toJsonSchemas(): Record<string, SchemaObject> {
    const { schemas } = z.toJSONSchema(this.registry, { ...OPTIONS, uri: COMPONENT_REF });
    return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, clean(schema)]));
  }
}

/** One schema on its own (a path or query parameter). */
export function inlineJsonSchema(schema: z.ZodType): SchemaObject {
  return clean(z.toJSONSchema(schema, OPTIONS));
}
