/** Issue comments on pull requests (list with pagination, create, update, delete) and reactions. */
import { notFound, validationFailed } from '../http-json.js';
import { GITHUB_LIMITS } from '../limits.js';
import { botUser, presentIssueComment, presentReaction } from '../present.js';
import type { RequestBody, Route, RouteContext } from '../route.js';
import { numberParam, repositoryOf } from '../route.js';
import type { CommentRecord, ReactionSubject } from '../store.js';
import { paginate } from './paginate.js';

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];

function checkBody(body: unknown): string {
  const text = (body as { body?: unknown } | undefined)?.body;
  if (typeof text !== 'string' || text.length === 0) throw validationFailed('IssueComment', 'body', 'missing_field');
  if (text.length > GITHUB_LIMITS.commentBody) throw validationFailed('IssueComment', 'body', 'custom', `Body is too long (maximum is ${GITHUB_LIMITS.commentBody} characters)`);
  return text;
}

function findComment(ctx: RouteContext): CommentRecord {
  const repo = repositoryOf(ctx);
  const comment = ctx.store.issueComments.find((c) => c.id === numberParam(ctx, 'comment_id') && c.repositoryId === repo.id);
  if (!comment) throw notFound();
  return comment;
}

function react(ctx: RouteContext, subject: ReactionSubject, subjectId: number) {
  const content = (ctx.body as RequestBody<'reactions/create-for-issue-comment'>)?.content;
  if (!REACTIONS.includes(content)) throw validationFailed('Reaction', 'content', 'invalid');
  const user = botUser(ctx);
  const existing = ctx.store.reactions.find((r) => r.subject === subject && r.subjectId === subjectId && r.content === content && r.user.login === user.login);
  if (existing) return { status: 200, body: presentReaction(ctx, existing) };
  const reaction = { id: ctx.store.nextId(), subject, subjectId, content, user };
  ctx.store.reactions.push(reaction);
  return { status: 201, body: presentReaction(ctx, reaction) };
}

function issueExists(ctx: RouteContext): number {
  const number = numberParam(ctx, 'issue_number');
  if (!ctx.store.pullRequest(repositoryOf(ctx).id, number)) throw notFound();
  return number;
}

export const issueRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    auth: 'installation',
    permission: ['issues', 'read'],
    handle: (ctx) => {
      const number = issueExists(ctx);
      const comments = ctx.store.commentsOn(repositoryOf(ctx).id, number);
      return paginate(ctx, comments, (c) => presentIssueComment(ctx, c));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    auth: 'installation',
    permission: ['issues', 'write'],
    handle: (ctx) => {
      const issueNumber = issueExists(ctx);
      const body = checkBody(ctx.body);
      const now = ctx.now().toISOString();
      const comment: CommentRecord = { id: ctx.store.nextId(), repositoryId: repositoryOf(ctx).id, issueNumber, body, user: botUser(ctx), appId: ctx.app.appId, createdAt: now, updatedAt: now };
      ctx.store.issueComments.push(comment);
      return { status: 201, body: presentIssueComment(ctx, comment) };
    },
  },
  {
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    auth: 'installation',
    permission: ['issues', 'write'],
    handle: (ctx) => {
      const comment = findComment(ctx);
      const body = checkBody(ctx.body);
      // An app may edit only what it wrote (it is not a repository admin).
      if (comment.appId !== ctx.app.appId) throw validationFailed('IssueComment', 'body', 'forbidden', 'the app may only edit its own comments');
      comment.body = body;
      comment.updatedAt = ctx.now().toISOString();
      return { status: 200, body: presentIssueComment(ctx, comment) };
    },
  },
  {
    method: 'DELETE',
    path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    auth: 'installation',
    permission: ['issues', 'write'],
    handle: (ctx) => {
      const comment = findComment(ctx);
      if (comment.appId !== ctx.app.appId) throw notFound();
      ctx.store.issueComments.splice(ctx.store.issueComments.indexOf(comment), 1);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    auth: 'installation',
    permission: ['issues', 'write'],
    handle: (ctx) => react(ctx, 'issue_comment', findComment(ctx).id),
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/reactions',
    auth: 'installation',
    permission: ['issues', 'write'],
    handle: (ctx) => react(ctx, 'issue', issueExists(ctx)),
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions',
    auth: 'installation',
    permission: ['pull_requests', 'write'],
    handle: (ctx) => {
      const repo = repositoryOf(ctx);
      const comment = ctx.store.reviewComments.find((c) => c.id === numberParam(ctx, 'comment_id') && c.repositoryId === repo.id);
      if (!comment) throw notFound();
      return react(ctx, 'pull_request_review_comment', comment.id);
    },
  },
];
