/**
 * Small typed validators for parsed JSON. They are hand-written rather than a schema library's
 * because ingest validates ~300k files: a path is only turned into text when something is wrong,
 * and number lists are checked in one tight loop (see bench/parse.ts for the comparison).
 */

/** Where a value sits in a file: a linked list of keys, built as the validators descend. */
export interface FieldPath {
  readonly parent: FieldPath | null;
  readonly key: string | number;
}

export function at(parent: FieldPath | null, key: string | number): FieldPath {
  return { parent, key };
}

export function fieldPathText(path: FieldPath | null): string | null {
  if (path === null) return null;
  const keys: (string | number)[] = [];
  for (let p: FieldPath | null = path; p !== null; p = p.parent) keys.push(p.key);
  let out = '';
  for (let i = keys.length - 1; i >= 0; i -= 1) {
    const key = keys[i];
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

/** A value that breaks the format: the field (null for the whole file) and what is wrong. */
export class FieldProblem extends Error {
  readonly field: FieldPath | null;
  readonly problem: string;
  constructor(field: FieldPath | null, problem: string) {
    super(problem);
    this.field = field;
    this.problem = problem;
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `the string ${JSON.stringify(shown)}`;
    }
    case 'number':
      return `the number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

export function wrongType(path: FieldPath | null, expected: string, value: unknown): FieldProblem {
  return new FieldProblem(path, `expected ${expected}, found ${describe(value)}`);
}

export type JsonObject = Record<string, unknown>;

export function object(value: unknown, path: FieldPath | null): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw wrongType(path, 'an object', value);
  }
  return value as JsonObject;
}

/** A field that must be present (it may still hold null, if the caller allows that). */
export function required(o: JsonObject, key: string, parent: FieldPath | null): unknown {
  const value = o[key];
  if (value === undefined) throw new FieldProblem(at(parent, key), 'required field is missing');
  return value;
}

export function string(value: unknown, path: FieldPath): string {
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  return value;
}

export function boolean(value: unknown, path: FieldPath): boolean {
  if (typeof value !== 'boolean') throw wrongType(path, 'true or false', value);
  return value;
}

export function index(value: unknown, path: FieldPath): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw wrongType(path, 'a non-negative integer', value);
  }
  return value;
}

export function finite(value: unknown, path: FieldPath): number {
  if (typeof value !== 'number') throw wrongType(path, 'a number', value);
  if (!Number.isFinite(value))
    throw new FieldProblem(path, `${String(value)} is not a finite number`);
  return value;
}

/** A number where "undefined" is a legitimate answer: null, absent and non-finite all read as null. */
export function optionalNumber(value: unknown, path: FieldPath): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') throw wrongType(path, 'a number or null', value);
  return Number.isFinite(value) ? value : null;
}

export function list(value: unknown, path: FieldPath): unknown[] {
  if (!Array.isArray(value)) throw wrongType(path, 'a list', value);
  return value;
}

export function stringList(value: unknown, path: FieldPath): string[] {
  if (!Array.isArray(value)) throw wrongType(path, 'a list of strings', value);
  for (let i = 0; i < value.length; i += 1) {
    if (typeof value[i] !== 'string') throw wrongType(at(path, i), 'a string', value[i]);
  }
  return value as string[];
}

export function finiteList(value: unknown, path: FieldPath): number[] {
  if (!Array.isArray(value)) throw wrongType(path, 'a list of numbers', value);
  for (let i = 0; i < value.length; i += 1) {
    const x: unknown = value[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) finite(x, at(path, i));
  }
  return value as number[];
}

/** Numbers that may be null; non-finite values become null. Copies only when it must. */
export function optionalNumberList(value: unknown, path: FieldPath): (number | null)[] {
  if (!Array.isArray(value)) throw wrongType(path, 'a list of numbers', value);
  let out: (number | null)[] = value as (number | null)[];
  for (let i = 0; i < value.length; i += 1) {
    const x: unknown = value[i];
    if (x === null || (typeof x === 'number' && Number.isFinite(x))) continue;
    if (typeof x !== 'number') throw wrongType(at(path, i), 'a number or null', x);
    if (out === value) out = value.slice() as (number | null)[];
    out[i] = null;
  }
  return out;
}

export function sameLength(
  values: readonly unknown[],
  expected: number,
  path: FieldPath,
  valuesWord: string,
  expectedWord: string,
): void {
  if (values.length !== expected) {
    throw new FieldProblem(path, `${values.length} ${valuesWord} for ${expected} ${expectedWord}`);
  }
}
