/**
 * A small Dockerfile reader for structural tests: joins continuation lines, drops comments and parser
 * directives, splits into stages at each FROM and resolves `${ARG}` in FROM from the global ARGs.
 */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface DockerStage {
  readonly name: string | undefined;
  readonly image: string;
  readonly instructions: readonly DockerInstruction[];
}

export interface ParsedDockerfile {
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly stages: readonly DockerStage[];
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let pendingLine = 0;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== '' && trimmed.startsWith('#')) return;
    if (pending === '') pendingLine = index + 1;
    const continued = trimmed.endsWith('\\');
    pending += (pending === '' ? '' : ' ') + (continued ? trimmed.slice(0, -1).trim() : trimmed);
    if (!continued) {
      const match = /^(\S+)\s*(.*)$/.exec(pending);
      if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!, line: pendingLine });
      pending = '';
    }
  });

  const globalArgs = new Map<string, string>();
  const stages: Array<{ name: string | undefined; image: string; instructions: DockerInstruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      const image = match[1]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs.get(name) ?? '');
      stages.push({ name: match[2], image, instructions: [] });
      continue;
    }
    const current = stages.at(-1);
    if (current) {
      current.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name, value = ''] = instruction.args.split('=', 2);
      globalArgs.set(name!.trim(), value.trim());
    }
  }
  return { globalArgs, stages };
}

/** The source and destination operands of a COPY/ADD, with its flags apart. */
export function copyOperands(instruction: DockerInstruction): { flags: Map<string, string>; sources: string[]; destination: string } {
  const words = instruction.args.startsWith('[') ? (JSON.parse(instruction.args) as string[]) : instruction.args.split(/\s+/);
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (const word of words) {
    const flag = /^--([\w-]+)=(.*)$/.exec(word);
    if (flag && operands.length === 0) flags.set(flag[1]!, flag[2]!);
    else operands.push(word);
  }
  const destination = operands.pop() ?? '';
  return { flags, sources: operands, destination };
}
