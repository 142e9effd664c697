import { DependencyType, type JobKey } from '@chaconne/client';
import dagre from '@dagrejs/dagre';
import type { Edge, Node } from '@xyflow/react';
import { enumName } from '@chaconne/contracts';

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 56;

export interface JobNodeData extends Record<string, unknown> {
  jobKey: JobKey;
  self: boolean;
}

/** One relation of the job: an upstream job it depends on, or a downstream job that depends on it. */
export interface Relation {
  direction: 'upstream' | 'downstream';
  dependencyType: DependencyType;
  jobKey: JobKey;
}

const keyId = (k: JobKey) => [k.clusterName, k.groupName, k.jobName, k.jobClassName].join('/');

/** The job and its relations as React Flow nodes and edges, laid out left to right by dagre. */
export function layoutRelations(
  self: JobKey,
  relations: Relation[],
): { nodes: Node<JobNodeData>[]; edges: Edge[] } {
  const graph = new dagre.graphlib.Graph<object, { width: number; height: number; x: number; y: number }>();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  const keys = new Map<string, JobKey>([[keyId(self), self]]);
  for (const r of relations) keys.set(keyId(r.jobKey), r.jobKey);
  for (const id of keys.keys()) graph.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT, x: 0, y: 0 });

  // One edge per related job and direction, labelled with every dependency type that links them
  // (a job may be found under several, e.g. SERIAL and MIXED).
  const types = new Map<string, { source: string; target: string; names: string[] }>();
  for (const r of relations) {
    const [source, target] =
      r.direction === 'upstream' ? [keyId(r.jobKey), keyId(self)] : [keyId(self), keyId(r.jobKey)];
    const id = `${source}->${target}`;
    const edge = types.get(id) ?? { source, target, names: [] };
    edge.names.push(enumName(DependencyType, r.dependencyType) ?? String(r.dependencyType));
    types.set(id, edge);
  }
  const edges: Edge[] = [...types].map(([id, { source, target, names }]) => {
    graph.setEdge(source, target);
    return { id, source, target, label: names.join(' · ') };
  });
  dagre.layout(graph);

  const nodes = [...keys].map(([id, jobKey]): Node<JobNodeData> => {
    const { x, y } = graph.node(id);
    return {
      id,
      type: 'job',
      position: { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 },
      data: { jobKey, self: id === keyId(self) },
      draggable: false,
    };
  });
  return { nodes, edges };
}
