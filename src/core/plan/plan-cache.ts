import { createRenderCache, type RenderCache } from '../render/render-cache.js';
import type { DesiredObject } from '../render/desired-state.js';
import type { Change } from './plan.js';

/**
 * Planned changes by rendered object, so that planning a revision diffs only the objects whose desired or live side
 * changed since an earlier plan. An entry is keyed by the rendered object (shared between revisions by the
 * `RenderCache`) and remembers what it was compared with: the live object's uid and resourceVersion (the API server
 * gives every stored change a new resourceVersion) and the plan's options. Live objects without both are diffed
 * every time. Entries go with their rendered objects (a `WeakMap`).
 */
export interface ChangeCache {
  get(desired: DesiredObject, comparedWith: string): Change | undefined;
  set(desired: DesiredObject, comparedWith: string, change: Change): void;
}

/** What a long-lived planner (the GitHub App's engine) keeps between plans: rendered objects and their changes. */
export interface PlanCache {
  readonly render: RenderCache;
  readonly changes: ChangeCache;
}

export function createPlanCache(): PlanCache {
  const changes = new WeakMap<DesiredObject, { readonly comparedWith: string; readonly change: Change }>();
  return {
    render: createRenderCache(),
    changes: {
      get(desired, comparedWith) {
        const entry = changes.get(desired);
        return entry?.comparedWith === comparedWith ? entry.change : undefined;
      },
      set(desired, comparedWith, change) {
        changes.set(desired, { comparedWith, change });
      },
    },
  };
}
