/**
 * `x-kubernetes-validations`: CEL rules evaluated with `self` bound to the value at the rule's node, as the
 * apiserver does (integers are CEL ints, objects maps, arrays lists). Uses @bufbuild/cel; programs are
 * compiled once per rule text. `oldSelf` (transition rules) is bound only on updates where an old value exists;
 * a transition rule is skipped without one, as the apiserver does.
 */
import { type CelInput, celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { isPlainObject } from '../kube-object.js';

interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

type Program = (bindings: Record<string, CelInput>) => unknown;

const env = celEnv();
const programs = new Map<string, Program | Error>();

function programOf(rule: string): Program | Error {
  let program = programs.get(rule);
  if (program === undefined) {
    try {
      const planned = plan(env, parse(rule));
      program = (bindings) => planned(bindings);
    } catch (error) {
      program = error instanceof Error ? error : new Error(String(error));
    }
    if (programs.size > 1000) programs.clear();
    programs.set(rule, program);
  }
  return program;
}

/** JSON as CEL sees it. */
export function toCel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(toCel) as CelInput;
  if (isPlainObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)])) as CelInput;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value as CelInput;
}

export function rulesOf(schema: Readonly<Record<string, unknown>>): readonly CelRule[] {
  const rules = schema['x-kubernetes-validations'];
  if (!Array.isArray(rules)) return [];
  return rules.filter((r): r is CelRule => isPlainObject(r) && typeof r['rule'] === 'string');
}

export interface CelFailure {
  /** `spec.x`, or the rule's fieldPath appended. */
  readonly field: string;
  readonly detail: string;
  /** The rule could not be compiled or evaluated (the apiserver reports these as Invalid too). */
  readonly broken: boolean;
}

/** Evaluates a node's rules; returns the failures. */
export function evaluateRules(rules: readonly CelRule[], value: unknown, oldValue: unknown, path: string): CelFailure[] {
  const failures: CelFailure[] = [];
  for (const rule of rules) {
    const usesOld = /\boldSelf\b/.test(rule.rule);
    if (usesOld && oldValue === undefined) continue;
    const program = programOf(rule.rule);
    const field = rule.fieldPath ? `${path}${rule.fieldPath.startsWith('.') ? rule.fieldPath : `.${rule.fieldPath}`}` : path;
    if (program instanceof Error) {
      failures.push({ field, detail: `compilation failed: ${program.message}`, broken: true });
      continue;
    }
    let result: unknown;
    try {
      result = program({ self: toCel(value), ...(usesOld ? { oldSelf: toCel(oldValue) } : {}) });
    } catch (error) {
      failures.push({ field, detail: `evaluation failed: ${error instanceof Error ? error.message : String(error)}`, broken: true });
      continue;
    }
    if (isCelError(result)) {
      failures.push({ field, detail: `evaluation failed: ${result.message}`, broken: true });
      continue;
    }
    if (result === true) continue;
    if (result !== false) {
      failures.push({ field, detail: `rule evaluation error: ${rule.rule}`, broken: true });
      continue;
    }
    failures.push({ field, detail: rule.message ?? `failed rule: ${rule.rule}`, broken: false });
  }
  return failures;
}
