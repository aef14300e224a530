import { comparePathElements, formatPath, type PathElement } from './path-element.js';

/**
 * A set of field paths as a tree (structured-merge-diff's fieldpath.Set).
 * `member` says that the path leading to this node is itself in the set; `children` hold longer paths,
 * keyed by encoded path element (`f:spec`, `k:{"name":"a"}`, ...). Values are immutable and normalised:
 * no child is empty. The root's `member` is always false.
 */
export interface FieldSet {
  readonly member: boolean;
  readonly children: ReadonlyMap<PathElement, FieldSet>;
}

const EMPTY: FieldSet = Object.freeze({ member: false, children: new Map<PathElement, FieldSet>() });

/** The empty set. */
export function emptyFieldSet(): FieldSet {
  return EMPTY;
}

/** True when the set holds no path. */
export function isEmpty(set: FieldSet): boolean {
  return !set.member && set.children.size === 0;
}

/** A set holding exactly these paths. */
export function fieldSetFromPaths(paths: readonly (readonly PathElement[])[]): FieldSet {
  const builder = newBuilder();
  for (const path of paths) insertPath(builder, path);
  return freeze(builder);
}

/** Every path in either set. */
export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  const children = new Map(a.children);
  for (const [element, child] of b.children) {
    const mine = children.get(element);
    children.set(element, mine === undefined ? child : union(mine, child));
  }
  return { member: a.member || b.member, children };
}

/** The paths in both sets. */
export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of a.children) {
    const theirs = b.children.get(element);
    if (theirs === undefined) continue;
    const both = intersection(child, theirs);
    if (!isEmpty(both)) children.set(element, both);
  }
  return make(a.member && b.member, children);
}

/** The paths of `a` that are not in `b` (exact paths: a member of `b` does not remove `a`'s longer paths). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(b) || isEmpty(a)) return a;
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of a.children) {
    const theirs = b.children.get(element);
    const rest = theirs === undefined ? child : difference(child, theirs);
    if (!isEmpty(rest)) children.set(element, rest);
  }
  return make(a.member && !b.member, children);
}

/** The paths of `a` that are neither in `b` nor below a path of `b` (whole subtrees removed). */
export function recursiveDifference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(b) || isEmpty(a)) return a;
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of a.children) {
    const theirs = b.children.get(element);
    if (theirs?.member) continue;
    const rest = theirs === undefined ? child : recursiveDifference(child, theirs);
    if (!isEmpty(rest)) children.set(element, rest);
  }
  return make(a.member && !b.member, children);
}

/** The set plus every proper prefix of its paths (so that a parent counts as used when a child is). */
export function withAncestors(set: FieldSet): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of set.children) {
    const full = withAncestors(child);
    children.set(element, full.member ? full : { member: true, children: full.children });
  }
  return make(set.member, children);
}

/** True when exactly this path is in the set. */
export function hasPath(set: FieldSet, path: readonly PathElement[]): boolean {
  let node: FieldSet | undefined = set;
  for (const element of path) {
    node = node.children.get(element);
    if (node === undefined) return false;
  }
  return node.member;
}

/** The subtree below one element (empty when absent). */
export function childSet(set: FieldSet, element: PathElement): FieldSet {
  return set.children.get(element) ?? EMPTY;
}

/** A set holding only the given top-level element's subtree. */
export function onlyChild(set: FieldSet, element: PathElement): FieldSet {
  const child = set.children.get(element);
  return child === undefined ? EMPTY : make(false, new Map([[element, child]]));
}

/** Every path of the set as element lists, in structured-merge-diff order. */
export function pathList(set: FieldSet): PathElement[][] {
  const out: PathElement[][] = [];
  const walk = (node: FieldSet, prefix: PathElement[]): void => {
    if (node.member && prefix.length > 0) out.push(prefix);
    for (const element of sortedElements(node)) walk(node.children.get(element) as FieldSet, [...prefix, element]);
  };
  walk(set, []);
  return out;
}

/** Every path of the set as the apiserver prints it (`.spec.cloud.dc`), in structured-merge-diff order. */
export function paths(set: FieldSet): string[] {
  return pathList(set).map(formatPath);
}

/** True when both sets hold the same paths. */
export function fieldSetsEqual(a: FieldSet, b: FieldSet): boolean {
  if (a === b) return true;
  if (a.member !== b.member || a.children.size !== b.children.size) return false;
  for (const [element, child] of a.children) {
    const theirs = b.children.get(element);
    if (theirs === undefined || !fieldSetsEqual(child, theirs)) return false;
  }
  return true;
}

/** The child elements of a node in structured-merge-diff order. */
export function sortedElements(set: FieldSet): PathElement[] {
  return [...set.children.keys()].sort(comparePathElements);
}

/** A mutable node used while building sets from objects; frozen into a FieldSet at the end. */
export interface FieldSetBuilder {
  member: boolean;
  children: Map<PathElement, FieldSetBuilder>;
}

export function newBuilder(): FieldSetBuilder {
  return { member: false, children: new Map() };
}

/** The builder node for a child element, created when missing. */
export function builderChild(builder: FieldSetBuilder, element: PathElement): FieldSetBuilder {
  let child = builder.children.get(element);
  if (child === undefined) {
    child = newBuilder();
    builder.children.set(element, child);
  }
  return child;
}

/** Adds one path to a builder. */
export function insertPath(builder: FieldSetBuilder, path: readonly PathElement[]): void {
  if (path.length === 0) return;
  let node = builder;
  for (const element of path) node = builderChild(node, element);
  node.member = true;
}

/** The immutable, normalised set a builder describes. */
export function freeze(builder: FieldSetBuilder): FieldSet {
  const children = new Map<PathElement, FieldSet>();
  for (const [element, child] of builder.children) {
    const frozen = freeze(child);
    if (!isEmpty(frozen)) children.set(element, frozen);
  }
  return make(builder.member, children);
}

function make(member: boolean, children: Map<PathElement, FieldSet>): FieldSet {
  if (!member && children.size === 0) return EMPTY;
  return { member, children };
}
