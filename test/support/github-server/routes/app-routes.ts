/** App-level routes, authenticated with the app JWT: the app itself, installation lookup, token minting. */
import { randomBytes } from 'node:crypto';
import type { components } from '@octokit/openapi-types';
import { notFound } from '../http-json.js';
import { presentApp, presentUser } from '../present.js';
import type { Route, RouteContext } from '../route.js';
import { repositoryOf } from '../route.js';

/** One hour, as GitHub's installation tokens. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

function installation(ctx: RouteContext, id: number): components['schemas']['installation'] {
  const record = ctx.store.installations.get(id);
  if (!record) throw notFound();
  return {
    id,
    account: presentUser(ctx, record.account),
    repository_selection: 'selected',
    access_tokens_url: `${ctx.urls.api}/app/installations/${id}/access_tokens`,
    repositories_url: `${ctx.urls.api}/installation/repositories`,
    html_url: `${ctx.urls.web}/settings/installations/${id}`,
    app_id: ctx.app.appId,
    app_slug: ctx.app.slug,
    target_id: record.account.id,
    target_type: record.account.type,
    permissions: { ...ctx.permissions },
    events: [],
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

export const appRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/app',
    auth: 'app',
    handle: (ctx) => ({ status: 200, body: presentApp(ctx) }),
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/installation',
    auth: 'app',
    handle: (ctx) => ({ status: 200, body: installation(ctx, repositoryOf(ctx).installationId) }),
  },
  {
    method: 'POST',
    path: '/app/installations/{installation_id}/access_tokens',
    auth: 'app',
    handle: (ctx) => {
      const id = Number(ctx.params['installation_id']);
      if (!ctx.store.installations.has(id)) throw notFound();
      const token = `ghs_${randomBytes(18).toString('base64url')}`;
      const expiresAt = ctx.now().getTime() + TOKEN_LIFETIME_MS;
      ctx.store.tokens.set(token, { token, installationId: id, expiresAt });
      const body: components['schemas']['installation-token'] = {
        token,
        expires_at: new Date(expiresAt).toISOString(),
        permissions: { ...ctx.permissions },
        repository_selection: 'selected',
      };
      return { status: 201, body };
    },
  },
];
