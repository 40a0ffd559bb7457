/**
 * Shape checks for incoming request parameters: a client that sends something malformed gets JSON-RPC's
 * "invalid params" error naming the field, instead of an internal error from deep inside a feature.
 */
import { ErrorCodes, ResponseError } from "vscode-languageserver";

type Check = (value: unknown) => boolean;

export const isString: Check = (value) => typeof value === "string";
export const isCount: Check = (value) => typeof value === "number" && Number.isInteger(value) && value >= 0;
export const isPosition: Check = (value) => isRecord(value) && isCount(value.line) && isCount(value.character);
export const isRange: Check = (value) => isRecord(value) && isPosition(value.start) && isPosition(value.end);
export const isDocument: Check = (value) => isRecord(value) && isString(value.uri);
export const arrayOf =
  (item: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(item);
export const shaped =
  (fields: Record<string, Check>): Check =>
  (value) =>
    isRecord(value) && Object.entries(fields).every(([key, check]) => check(value[key]));
export const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);

/** Throws "invalid params" naming the first field that doesn't fit. */
export function requireParams(method: string, params: unknown, fields: Record<string, Check>): void {
  if (!isRecord(params)) throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params must be an object`);
  for (const [key, check] of Object.entries(fields)) {
    if (!check(params[key]))
      throw new ResponseError(ErrorCodes.InvalidParams, `${method}: params.${key} is missing or malformed`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
