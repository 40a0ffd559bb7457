/**
 * An MCP tool's JSON Schema cut to what a grammar can enforce (node-llama-cpp's GBNF JSON schema: types, objects,
 * arrays, enums, const, oneOf) so a local model's call to it is always valid. A property the tool marks optional
 * becomes "that type or null" (a grammar writes every property), and null arguments are left out before the call.
 * Anything the subset can't say (patterns, formats, $ref) is dropped: the tool still checks its own input.
 */
type Schema = Record<string, unknown>;

const TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function grammarSchema(schema: unknown, depth = 0): Schema {
  if (!isSchema(schema) || depth > 8) return { type: ["string", "number", "integer", "boolean", "null"] };
  const description = typeof schema.description === "string" ? { description: schema.description } : {};
  if ("const" in schema) return { const: schema.const, ...description };
  if (Array.isArray(schema.enum)) return { enum: schema.enum, ...description };
  const variants = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (variants) return { oneOf: variants.map((variant) => grammarSchema(variant, depth + 1)), ...description };
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
    (type): type is string => typeof type === "string" && TYPES.has(type),
  );
  if (types.length === 0) return grammarSchema({ ...schema, type: isSchema(schema.properties) ? "object" : "string" }, depth);
  if (types.length > 1) return { oneOf: types.map((type) => grammarSchema({ ...schema, type }, depth + 1)), ...description };
  const type = types[0];
  if (type === "object") {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    return {
      type: "object",
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, property]) => {
          const converted = grammarSchema(property, depth + 1);
          return [name, required.has(name) ? converted : { oneOf: [converted, { type: "null" }] }];
        }),
      ),
      ...description,
    };
  }
  if (type === "array") return { type: "array", items: grammarSchema(schema.items, depth + 1), ...description };
  return { type, ...description };
}

/** The arguments as the tool expects them: the nulls a grammar wrote for optional properties left out. */
export function withoutNulls(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null));
}
