import type { ApplyOptions, ClusterClient, DeleteOptions, ListOptions, ResourceKind } from '../core/apply/cluster-client.js';
import { ApiRequestError } from '../core/apply/api-request-error.js';
import { ConfigurationError } from '../core/errors.js';
import { kindInfo } from '../core/kinds.js';
import { formatObjectId, type ObjectId } from '../core/object-id.js';
import type { KubeObject } from '../core/render/kube-object.js';
import { FIELD_MANAGER } from '../core/render/managed-labels.js';
import type { KubeEndpoint } from './kube-endpoint.js';
import { kubeRequest, type RequestOptions } from './kube-request.js';
import { resourcePath } from './resource-path.js';

/** The `ClusterClient` port over the Kubernetes HTTP API: lists, server-side apply as `kkp-gitops`, deletes with a uid precondition. */
export function httpClusterClient(endpoint: KubeEndpoint, options: RequestOptions = {}): ClusterClient {
  const target = endpoint.target;
  return {
    target,
    async list(kind: ResourceKind, listOptions: ListOptions = {}): Promise<KubeObject[]> {
      const items: KubeObject[] = [];
      let token: string | undefined;
      do {
        const response = await kubeRequest(
          endpoint,
          {
            method: 'GET',
            path: resourcePath(kind, listOptions.namespace),
            query: { labelSelector: listOptions.labelSelector, continue: token },
            what: `list ${kind.plural}`,
          },
          options,
        );
        const body = (response.body ?? {}) as { items?: KubeObject[]; metadata?: { continue?: string } };
        for (const item of body.items ?? []) items.push({ ...item, apiVersion: kind.apiVersion, kind: kind.kind });
        token = body.metadata?.continue || undefined;
      } while (token);
      return items;
    },

    async apply(object: KubeObject, applyOptions: ApplyOptions): Promise<void> {
      const id = { target, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
      await kubeRequest(
        endpoint,
        {
          method: 'PATCH',
          path: resourcePath(resourceKind(id), id.namespace, id.name),
          query: { fieldManager: FIELD_MANAGER, force: applyOptions.force ? 'true' : undefined, dryRun: applyOptions.dryRun ? 'All' : undefined },
          body: object,
          contentType: 'application/apply-patch+yaml',
          what: 'apply',
          // The stored object is not needed; only error Statuses are read.
          ignoreSuccessBody: true,
        },
        options,
      );
    },

    async delete(id: ObjectId, deleteOptions: DeleteOptions): Promise<void> {
      try {
        await kubeRequest(
          endpoint,
          {
            method: 'DELETE',
            path: resourcePath(resourceKind(id), id.namespace, id.name),
            query: { dryRun: deleteOptions.dryRun ? 'All' : undefined },
            body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', ...(deleteOptions.uid ? { preconditions: { uid: deleteOptions.uid } } : {}) },
            what: 'delete',
          },
          options,
        );
      } catch (error) {
        // Already gone is what a delete wants.
        if (error instanceof ApiRequestError && error.status.code === 404) return;
        throw error;
      }
    },
  };
}

function resourceKind(id: ObjectId): ResourceKind {
  const info = kindInfo(id.apiVersion, id.kind);
  if (!info) throw new ConfigurationError(`${formatObjectId(id)}: kkp-gitops does not know the kind ${id.apiVersion} ${id.kind}`);
  return info;
}
