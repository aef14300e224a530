/**
 * `/metrics`, `/healthz` and `/readyz` in Probot's setup mode too (no `APP_ID` or private key yet: Probot serves its
 * App registration page and never calls the app function, so handlers the app adds are never installed). Probot
 * decides on setup mode inside `run()` and builds its `Server` there; this adds a handler to every `Server` that
 * starts while `run()` runs, unless the app function already added its own (normal mode), then restores
 * `Server.prototype.start`. Nothing else of Probot is touched.
 */
import { Server } from 'probot';
import type { RouteHandler } from './observability-routes.js';

export interface SetupModeRoutes {
  /** Call from the app function, so that normal mode keeps its own handler (and no second one is added). */
  readonly appLoaded: () => void;
  /** Runs `start` (Probot's `run`) with the routes added to a server that starts without the app. */
  readonly during: <T>(start: () => Promise<T>) => Promise<T>;
}

export function setupModeRoutes(routes: RouteHandler): SetupModeRoutes {
  let loaded = false;
  return {
    appLoaded: () => void (loaded = true),
    async during(start) {
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const original = Server.prototype.start;
      Server.prototype.start = function (this: Server) {
        if (!loaded) this.addHandler(routes);
        return original.call(this);
      };
      try {
        return await start();
      } finally {
        Server.prototype.start = original;
      }
    },
  };
}
