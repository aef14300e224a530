/** Example webhook payloads published by GitHub (`@octokit/webhooks-examples`), looked up by event and action. */
import { createRequire } from 'node:module';
import type { WebhookEventMap, WebhookEventName } from '@octokit/webhooks-types';

interface Definition {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as readonly Definition[];

/** A deep copy of the first published example of `name` with `action` (any example when the event has none). */
export function exampleWebhook<N extends WebhookEventName>(name: N, action?: string): WebhookEventMap[N] {
  const definition = definitions.find((d) => d.name === name);
  const example = definition?.examples.find((e) => action === undefined || e['action'] === action);
  if (!example) throw new Error(`no published webhook example for ${name}${action ? `.${action}` : ''}`);
  return structuredClone(example) as unknown as WebhookEventMap[N];
}
