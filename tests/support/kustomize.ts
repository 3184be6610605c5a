import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';

/** A Kubernetes object as parsed from YAML. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

/** The kustomization fields {@link renderKustomization} understands; any other field is refused, never ignored. */
const KNOWN = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
/** Kinds that live outside namespaces. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

/**
 * Renders a Kustomize folder offline, as `kubectl kustomize` would for the subset the hub's manifests use:
 * `resources` (files and folders), `namespace`, `images` (newName/newTag) and inline JSON 6902 `patches` with a
 * kind and name target. Anything else makes it throw, so that a manifest cannot rely on a feature this does not apply.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  for (const key of Object.keys(kustomization)) if (!KNOWN.has(key)) throw new Error(`${dir}/kustomization.yaml: "${key}" is not supported by the test renderer`);
  const objects: K8sObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...renderKustomization(path));
    else objects.push(...parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => doc.toJS()).filter(Boolean));
  }
  for (const { target, patch, ...rest } of kustomization.patches ?? []) {
    if (Object.keys(rest).length > 0 || !target?.kind || !target?.name || typeof patch !== 'string') throw new Error(`${dir}: only inline JSON 6902 patches with a kind and name target are supported`);
    const matches = objects.filter((object) => object.kind === target.kind && object.metadata.name === target.name);
    if (matches.length !== 1) throw new Error(`${dir}: patch target ${target.kind}/${target.name} matches ${matches.length} objects`);
    for (const operation of parse(patch)) applyOperation(matches[0]!, operation);
  }
  for (const image of kustomization.images ?? []) {
    for (const object of objects) {
      for (const container of podSpec(object)?.containers ?? []) {
        const [name, tag] = String(container.image).split(':');
        if (name === image.name) container.image = `${image.newName ?? name}:${image.newTag ?? tag ?? 'latest'}`;
      }
    }
  }
  if (kustomization.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
  }
  return objects;
}

/** The pod spec of a workload (Deployment, Job), or undefined. */
export function podSpec(object: K8sObject): any {
  return object.spec?.template?.spec;
}

/** RFC 6902 add, replace and remove; `replace` and `remove` need the path to exist (RFC 6902 §4.2, §4.3). */
function applyOperation(object: unknown, operation: { op: string; path: string; value?: unknown }): void {
  const keys = operation.path.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop()!;
  let parent: any = object;
  for (const key of keys) {
    parent = parent?.[key];
    if (parent === undefined) throw new Error(`patch path ${operation.path} does not exist`);
  }
  const exists = Array.isArray(parent) ? Number(last) < parent.length : last in parent;
  if (operation.op === 'add') {
    if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, operation.value);
    else parent[last] = operation.value;
  } else if (operation.op === 'replace' || operation.op === 'remove') {
    if (!exists) throw new Error(`patch path ${operation.path} does not exist`);
    if (operation.op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      parent[last] = operation.value;
    }
  } else {
    throw new Error(`patch op ${operation.op} is not supported`);
  }
}

/** The folder of this repository's manifests. */
export const KUBERNETES_DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));
