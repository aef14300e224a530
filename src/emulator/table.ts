/** `as=Table` responses, as `kubectl get` asks for them: Name, the resource's printer columns, Age. */
import { isPlainObject, type KubeObject } from './kube-object.js';
import type { PrinterColumn, ResourceType } from './resource-type.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

function columnsOf(type: ResourceType): PrinterColumn[] {
  const columns = [...type.printerColumns];
  if (!columns.some((c) => c.type === 'date')) columns.push(AGE_COLUMN);
  return columns;
}

/** A tiny JSONPath: `.a.b`, `.a[0].b`, `.a['x.y']`, `{.a.b}`. */
export function evaluateJsonPath(object: unknown, path: string): unknown {
  const expression = path.replace(/^\{/, '').replace(/\}$/, '');
  const tokens: string[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expression)) !== null) tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  let current: unknown = object;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isPlainObject(current)) current = current[token];
    else return undefined;
  }
  return current;
}

/** apimachinery's `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) return `${years}y${Math.floor(hours / 24) % 365}d`;
  return `${years}y`;
}

function cell(object: KubeObject, column: PrinterColumn, nowMs: number): unknown {
  const value = evaluateJsonPath(object, column.jsonPath);
  if (column.format === 'count') return isPlainObject(value) ? Object.keys(value).length : Array.isArray(value) ? value.length : 0;
  if (value === undefined || value === null) return column.type === 'date' ? '<unknown>' : null;
  if (column.type === 'date' && typeof value === 'string') return humanDuration(nowMs - Date.parse(value));
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export function toTable(type: ResourceType, objects: readonly KubeObject[], options: { resourceVersion: string; continueToken?: string; include: IncludeObject; nowMs: number; remaining?: number }): Record<string, unknown> {
  const columns = columnsOf(type);
  const metadata: Record<string, unknown> = { resourceVersion: options.resourceVersion };
  if (options.continueToken) metadata['continue'] = options.continueToken;
  if (options.remaining !== undefined) metadata['remainingItemCount'] = options.remaining;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: [
      NAME_COLUMN,
      ...columns.map((c) => ({ name: c.name, type: c.type === 'date' ? 'date' : c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: [o.metadata.name ?? '', ...columns.map((c) => cell(o, c, options.nowMs))] };
      const included = rowObject(o, options.include);
      if (included !== undefined) row['object'] = included;
      return row;
    }),
  };
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
