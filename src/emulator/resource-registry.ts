/** Which resources a virtual cluster serves: the built-ins plus whatever its CRDs define. */
import { BUILTIN_RESOURCES, type ResourceType } from './resource-type.js';

export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly byCrd = new Map<string, ResourceType[]>();
  /** Bumped on every change, so discovery and OpenAPI documents can be cached until then. */
  generation = 0;

  constructor() {
    for (const type of BUILTIN_RESOURCES) this.add(type);
  }

  private add(type: ResourceType): void {
    this.byPath.set(`${type.group}/${type.version}/${type.plural}`, type);
    this.byKind.set(`${type.group}/${type.version}/${type.kind}`, type);
  }

  /** Serves (or re-serves, after an update) the types of one CRD. */
  setCrd(crdName: string, types: readonly ResourceType[]): void {
    this.removeCrd(crdName);
    for (const type of types) this.add(type);
    this.byCrd.set(crdName, [...types]);
    this.generation++;
  }

  removeCrd(crdName: string): readonly ResourceType[] {
    const types = this.byCrd.get(crdName) ?? [];
    for (const type of types) {
      this.byPath.delete(`${type.group}/${type.version}/${type.plural}`);
      this.byKind.delete(`${type.group}/${type.version}/${type.kind}`);
    }
    this.byCrd.delete(crdName);
    if (types.length) this.generation++;
    return types;
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  lookupKind(group: string, version: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** Every served type, built-ins first, then by group and version. */
  all(): ResourceType[] {
    return [...this.byPath.values()];
  }

  /** Groups with their versions, in the order discovery lists them (core first, then by registration). */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.byPath.values()) {
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    return groups;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }
}
