/**
 * `/kkp` commands in pull request comments, review comments and reviews. Every command is acknowledged with a
 * reaction (eyes: working on it, +1: done, confused: refused or unknown). Commands that change something need
 * write, maintain or admin permission, asked from GitHub; others get a short reply saying why.
 */
import { escapeMarkdown } from '../core/report/escape-markdown.js';
import { describeError } from '../core/errors.js';
import type { AppDeps } from './app-deps.js';
import { readPlanGate, recordAllowance, sawPlanOf } from './deletion-allowance.js';
import { CHECK_NAME } from './app-deps.js';
import type { GitHubRepository, ReactionTarget } from './github-repository.js';
import { commandHelp, mayChange, parseCommand, type ParsedCommand } from './kkp-command.js';
import { planPullRequest } from './plan-pull-request.js';
import { deployPush } from './deploy-push.js';

export interface CommandEvent {
  readonly pullNumber: number;
  readonly author: string;
  /** Bots' comments are never commands (the app must not answer itself). */
  readonly authorIsBot: boolean;
  readonly body: string | null | undefined;
  /** Where the reaction goes. */
  readonly source: ReactionTarget;
  /** When the person wrote it (the comment's `created_at`, the review's `submitted_at`), by GitHub's clock. */
  readonly writtenAt?: string;
}

/**
 * Returns whether the body held a command. A command that fails (GitHub or the clusters refusing, after retries) is
 * answered with a reply naming the reason, as well as logged: the person who asked is told.
 */
export async function runCommand(deps: AppDeps, github: GitHubRepository, event: CommandEvent): Promise<boolean> {
  if (event.authorIsBot) return false;
  const parsed = parseCommand(event.body);
  if (!parsed) return false;
  try {
    return await runParsed(deps, github, event, parsed);
  } catch (error) {
    const name = parsed.kind === 'unknown' ? (parsed.word ?? '') : parsed.command.name;
    deps.log.error({ err: error, repository: github.fullName, pull: event.pullNumber, command: name }, 'command failed');
    await github.react(event.source, 'confused');
    await github.createComment(event.pullNumber, `@${event.author} ${escapeMarkdown(`/kkp ${name}`, { as: 'code' })} failed: ${escapeMarkdown(describeError(error))}\n`);
    return true;
  }
}

async function runParsed(deps: AppDeps, github: GitHubRepository, event: CommandEvent, parsed: ParsedCommand): Promise<boolean> {
  if (parsed.kind === 'unknown') {
    await github.react(event.source, 'confused');
    const what = parsed.word ? `${escapeMarkdown(`/kkp ${parsed.word}`, { as: 'code' })} is not a command` : '`/kkp` needs a command';
    await github.createComment(event.pullNumber, `@${event.author} ${what}. Commands:\n\n${commandHelp()}\n`);
    return true;
  }
  const { command } = parsed;
  if (command.changesState) {
    const permission = await github.permission(event.author);
    if (!mayChange(permission)) {
      await github.react(event.source, 'confused');
      await github.createComment(event.pullNumber, `@${event.author} \`/kkp ${command.name}\` needs write, maintain or admin permission on ${github.fullName}; you have ${permission}. Ask a maintainer to run it.\n`);
      return true;
    }
  }
  switch (command.name) {
    case 'help':
      await github.react(event.source, '+1');
      await github.createComment(event.pullNumber, `Commands for kkp-gitops:\n\n${commandHelp()}\n`);
      return true;
    case 'plan': {
      await github.react(event.source, 'eyes');
      const pr = await github.pullRequest(event.pullNumber);
      deps.heads?.note(github.fullName, pr.number, pr.headSha);
      await planPullRequest(deps, github, pr);
      return true;
    }
    case 'resume': {
      const pr = await github.pullRequest(event.pullNumber);
      const head = pr.merged ? await github.branchHead(pr.baseRef) : undefined;
      if (!pr.merged || !pr.mergeCommitSha || head !== pr.mergeCommitSha) {
        await github.react(event.source, 'confused');
        const why = !pr.merged ? 'is not merged: only the rollout of a merged pull request can be resumed' : `is no longer the head of ${escapeMarkdown(pr.baseRef, { as: 'code' })}: the newer commit has a rollout of its own`;
        await github.createComment(event.pullNumber, `@${event.author} nothing to resume: this pull request ${why}.\n`);
        return true;
      }
      await github.react(event.source, 'eyes');
      const outcome = await deployPush(deps, github, { branch: pr.baseRef, before: pr.mergeCommitSha, after: pr.mergeCommitSha, resume: true });
      if (outcome.skipped) await github.createComment(event.pullNumber, `@${event.author} nothing to resume: \`${pr.mergeCommitSha.slice(0, 7)}\` is ${outcome.skipped === 'already-applied' ? 'applied' : 'superseded'}.\n`);
      await github.react(event.source, '+1');
      return true;
    }
    case 'allow-deletions': {
      const pr = await github.pullRequest(event.pullNumber);
      if (pr.state !== 'open') {
        await github.react(event.source, 'confused');
        await github.createComment(event.pullNumber, `@${event.author} this pull request is ${pr.merged ? 'merged' : 'closed'}; an allowance only counts for an open pull request's head.\n`);
        return true;
      }
      deps.heads?.note(github.fullName, pr.number, pr.headSha);
      // The allowance answers the plan the person saw: that of the current head, published before they wrote.
      const gate = readPlanGate(await github.listComments(pr.number), await deps.appLogin());
      const seen = gate?.head === pr.headSha && sawPlanOf(await github.checkRunsOf(pr.headSha, CHECK_NAME), event.writtenAt);
      if (!gate || !seen) {
        await github.react(event.source, 'confused');
        const shown = gate && gate.head !== pr.headSha ? ` (the plan shown is for \`${gate.head.slice(0, 7)}\`)` : '';
        await github.createComment(
          event.pullNumber,
          `@${event.author} not recorded: the head moved to \`${pr.headSha.slice(0, 7)}\` after the plan you answered${shown}, so an allowance would apply to changes you have not seen. Read the plan for \`${pr.headSha.slice(0, 7)}\` and write \`/kkp allow-deletions\` again to accept its deletions.\n`,
        );
        return true;
      }
      await recordAllowance(github, pr.number, { head: pr.headSha, changes: gate.changes, by: event.author });
      await github.react(event.source, '+1');
      // Re-plan so that the comment and the check say the deletions will run.
      await planPullRequest(deps, github, pr);
      return true;
    }
  }
}
