/** Printing helpers shared by the benchmarks: every figure stands next to a peer measured in the same run. */

export function peakMemoryMiB(): number {
  // maxRSS is in KiB on Linux.
  return process.resourceUsage().maxRSS / 1024;
}

export function printFigure(label: string, value: string): void {
  process.stdout.write(`  ${label.padEnd(48)} ${value}\n`);
}

/** `ratio` = ours / peer for rates (higher is better), or peer / ours for durations when `lowerIsBetter`. */
export function printRatio(label: string, ours: number, peer: number, unit: string, options: { lowerIsBetter?: boolean; target?: string } = {}): void {
  const ratio = options.lowerIsBetter ? peer / ours : ours / peer;
  const target = options.target ? `  (target ${options.target})` : '';
  printFigure(label, `${fmt(ours)} ${unit} vs peer ${fmt(peer)} ${unit}: ${ratio.toFixed(2)}x${target}`);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}
