/**
 * A real `kkp-gitops serve` process with the heap it is deployed with (768 MB), on a fresh reliability harness:
 * for the tests that attack a bot as it runs in production (hostile bodies, hostile files).
 */
import { startReliabilityHarness, type ReliabilityHarness } from '../reliability/reliability-harness.js';
import { ensureBuilt, type BotProcess } from './bot-process.js';

export const MiB = 1024 * 1024;

export async function startDeployedBot(): Promise<{ readonly harness: ReliabilityHarness; readonly bot: BotProcess }> {
  await ensureBuilt();
  const harness = await startReliabilityHarness();
  const bot = harness.bot({ extraEnv: { NODE_OPTIONS: '--max-old-space-size=768' } });
  await bot.start();
  return { harness, bot };
}
