import { ConfigurationError } from '../../core/errors.js';

/** Scaffolding: replaced by the real command. */
export async function run(_args: string[]): Promise<number> {
  throw new ConfigurationError("'serve' is not built yet");
}
