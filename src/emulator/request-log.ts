/** Every request a virtual cluster answered, for tests and benchmarks to count and inspect. */

export interface RequestRecord {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: string;
  /** Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection) or `nonresource`. */
  readonly verb: string;
  /** `clusters.kubermatic.k8c.io`, `configmaps`; empty for non-resource paths. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly contentType: string;
  readonly status: number;
  /** The request failed by fault injection. */
  readonly injected: boolean;
  /** A write with `dryRun=All`: judged, nothing stored. */
  readonly dryRun: boolean;
}

export interface RequestLogOptions {
  /** Records kept (the counter keeps counting beyond). Default 100,000. */
  readonly capacity?: number;
}

export class RequestLog {
  private records: RequestRecord[] = [];
  private total = 0;
  private readonly capacity: number;

  constructor(options: RequestLogOptions = {}) {
    this.capacity = options.capacity ?? 100_000;
  }

  record(entry: RequestRecord): void {
    this.total++;
    this.records.push(entry);
    if (this.records.length > this.capacity * 1.25) this.records = this.records.slice(this.records.length - this.capacity);
  }

  /** Requests answered since the start (or the last `clear`), including ones no longer kept. */
  get count(): number {
    return this.total;
  }

  /** The kept records, oldest first. */
  get entries(): readonly RequestRecord[] {
    return this.records;
  }

  /** Records matching every given property, e.g. `{ verb: 'patch', resource: 'clusters.kubermatic.k8c.io' }`. */
  filter(match: Partial<RequestRecord>): RequestRecord[] {
    const keys = Object.keys(match) as (keyof RequestRecord)[];
    return this.records.filter((r) => keys.every((k) => r[k] === match[k]));
  }

  clear(): void {
    this.records = [];
    this.total = 0;
  }
}
