/** Delivers a webhook to the app over HTTP, signed the way GitHub signs (`X-Hub-Signature-256`). */
import { createHmac, randomUUID } from 'node:crypto';
import type { Delivery } from './webhook-payloads.js';

export interface DeliveryResult {
  readonly status: number;
  readonly body: string;
  readonly id: string;
}

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs `delivery` to the app's webhook URL; `secret` signs it (pass a wrong one to test rejection). `id` is the
 * `X-GitHub-Delivery` header (default: a new UUID); GitHub redelivers with the same id.
 */
export async function deliverWebhook(webhookUrl: string, secret: string, delivery: Delivery, id: string = randomUUID()): Promise<DeliveryResult> {
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/test',
      'x-github-event': delivery.name,
      'x-github-delivery': id,
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': signPayload(secret, body),
    },
    body,
  });
  return { status: response.status, body: await response.text(), id };
}
