/** JSON merge patch (RFC 7386) and JSON patch (RFC 6902). Both return new values; inputs are not changed. */
import { ApiError } from './api-status.js';
import { cloneJson, isPlainObject, jsonEqual } from './kube-object.js';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function patchError(message: string): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Invalid', code: 422 });
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw patchError(`invalid JSON pointer: "${pointer}"`);
  return pointer.slice(1).split('/').map(unescape);
}

interface Operation {
  op?: string;
  path?: string;
  from?: string;
  value?: unknown;
}

/** Walks to the parent of the pointer's last token, copying containers on the way so the input stays intact. */
function parentOf(root: { value: unknown }, tokens: string[], pointer: string): { container: Record<string, unknown> | unknown[]; key: string } {
  let holder: Record<string, unknown> | unknown[] = root as unknown as Record<string, unknown>;
  let holderKey: string | number = 'value';
  for (let i = 0; i < tokens.length - 1; i++) {
    const current: unknown = (holder as Record<string, unknown>)[holderKey as string];
    let copy: Record<string, unknown> | unknown[];
    if (Array.isArray(current)) copy = [...current];
    else if (isPlainObject(current)) copy = { ...current };
    else throw patchError(`doc is missing path: "${pointer}": missing value`);
    (holder as Record<string, unknown>)[holderKey as string] = copy;
    holder = copy;
    const token = tokens[i] as string;
    holderKey = Array.isArray(copy) ? Number(token) : token;
  }
  const last = (holder as Record<string, unknown>)[holderKey as string];
  let container: Record<string, unknown> | unknown[];
  if (Array.isArray(last)) container = [...last];
  else if (isPlainObject(last)) container = { ...last };
  else throw patchError(`doc is missing path: "${pointer}": missing value`);
  (holder as Record<string, unknown>)[holderKey as string] = container;
  return { container, key: tokens[tokens.length - 1] as string };
}

function getAt(value: unknown, tokens: string[], pointer: string): unknown {
  let current = value;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isPlainObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) throw patchError(`doc is missing path: "${pointer}": missing value`);
  }
  return current;
}

function add(root: { value: unknown }, pointer: string, value: unknown): void {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) {
    root.value = value;
    return;
  }
  const { container, key } = parentOf(root, tokens, pointer);
  if (Array.isArray(container)) {
    const index = key === '-' ? container.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > container.length) throw patchError(`add operation does not apply: index out of bounds: "${pointer}"`);
    container.splice(index, 0, value);
  } else container[key] = value;
}

function remove(root: { value: unknown }, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  const { container, key } = parentOf(root, tokens, pointer);
  if (Array.isArray(container)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= container.length) throw patchError(`remove operation does not apply: doc is missing path: "${pointer}"`);
    return container.splice(index, 1)[0];
  }
  if (!(key in container)) throw patchError(`remove operation does not apply: doc is missing path: "${pointer}": missing value`);
  const old = container[key];
  delete container[key];
  return old;
}

export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw patchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  const root = { value: target };
  for (const raw of operations as Operation[]) {
    const path = raw.path ?? '';
    switch (raw.op) {
      case 'add':
        add(root, path, cloneJson(raw.value));
        break;
      case 'remove':
        remove(root, path);
        break;
      case 'replace':
        remove(root, path);
        add(root, path, cloneJson(raw.value));
        break;
      case 'move': {
        const value = remove(root, raw.from ?? '');
        add(root, path, value);
        break;
      }
      case 'copy':
        add(root, path, cloneJson(getAt(root.value, parsePointer(raw.from ?? ''), raw.from ?? '')));
        break;
      case 'test':
        if (!jsonEqual(getAt(root.value, parsePointer(path), path), raw.value)) throw patchError(`testing value ${path} failed: test failed`);
        break;
      default:
        throw patchError(`Unexpected kind: ${String(raw.op)}`);
    }
  }
  return root.value;
}
