/**
 * Fault injection for one virtual cluster, switchable at run time: added latency, a share of requests failed
 * with 500/503/429, and refused connections (the listener closed and open sockets destroyed: a seed going down).
 */

export type FailureStatus = 500 | 503 | 429;

export interface FaultSettings {
  /** Added to every request before it is answered, in milliseconds. Default 0. */
  readonly latencyMs: number;
  /** Share of requests (0..1) failed with `failureStatus`. Deterministic: exactly every 1/rate-th request fails. Default 0. */
  readonly failureRate: number;
  /** Default 503. */
  readonly failureStatus: FailureStatus;
  /** `Retry-After` for 429 answers, in seconds. Default 1. */
  readonly retryAfterSeconds: number;
  /** Only requests with these verbs fail (e.g. `['create','update','patch','delete']`); default: all requests. */
  readonly verbs?: readonly string[];
  /**
   * Failed requests get this error Status instead of `failureStatus` (a webhook's denial, a hostile server's
   * message): its code, reason, message and causes as given. Default: none.
   */
  readonly refusal?: InjectedRefusal;
}

export interface InjectedRefusal {
  readonly code: number;
  readonly reason?: string;
  readonly message: string;
  readonly causes?: readonly { readonly reason?: string; readonly message?: string; readonly field?: string }[];
}

export const NO_FAULTS: FaultSettings = { latencyMs: 0, failureRate: 0, failureStatus: 503, retryAfterSeconds: 1 };

export interface ConnectionControl {
  refuse(): Promise<void>;
  accept(): Promise<void>;
}

export class FaultController {
  private current: FaultSettings = NO_FAULTS;
  private considered = 0;
  private refusing = false;

  constructor(private readonly connections: ConnectionControl) {}

  get settings(): FaultSettings {
    return this.current;
  }

  /** Changes some settings, keeping the others. */
  set(changes: Partial<FaultSettings>): void {
    this.current = { ...this.current, ...changes };
    this.considered = 0;
  }

  /** Back to no latency and no failures (connections are left as they are). */
  clear(): void {
    this.current = NO_FAULTS;
    this.considered = 0;
  }

  /** Whether this request should fail: spreads failures evenly so that n requests see round(n × rate) failures. */
  shouldFail(verb: string): boolean {
    const { failureRate, verbs } = this.current;
    if (failureRate <= 0) return false;
    if (verbs && !verbs.includes(verb)) return false;
    const before = Math.floor(this.considered * failureRate);
    this.considered++;
    return Math.floor(this.considered * failureRate) > before;
  }

  get refusingConnections(): boolean {
    return this.refusing;
  }

  /** Closes the listener and destroys open connections: clients get ECONNREFUSED until `acceptConnections`. */
  async refuseConnections(): Promise<void> {
    this.refusing = true;
    await this.connections.refuse();
  }

  /** Listens again on the same port. */
  async acceptConnections(): Promise<void> {
    await this.connections.accept();
    this.refusing = false;
  }
}
