import { DependencyType, type JobKey } from '@chaconne/client';
import { Anchor, Box, Paper, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Background, Controls, Handle, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { useJobManager } from '../api/api-context';
import { QueryState } from '../components/query-state';
import { Section } from '../components/section';
import { paths } from '../paths';
import {
  type JobNodeData,
  layoutRelations,
  NODE_HEIGHT,
  NODE_WIDTH,
  type Relation,
} from './dependency-layout';
import { jobQueryKey } from './job-queries';

function JobNode({ data }: NodeProps<Node<JobNodeData>>) {
  const { jobKey, self } = data;
  return (
    <Paper
      withBorder
      shadow={self ? 'sm' : undefined}
      p={6}
      w={NODE_WIDTH}
      h={NODE_HEIGHT}
      bg={self ? 'var(--mantine-color-indigo-light)' : undefined}
    >
      <Handle type="target" position={Position.Left} />
      {self ? (
        <Text size="sm" fw={700} truncate>
          {jobKey.jobName}
        </Text>
      ) : (
        <Anchor component={Link} to={paths.job(jobKey)} size="sm" fw={600} truncate display="block">
          {jobKey.jobName}
        </Anchor>
      )}
      <Text size="xs" c="dimmed" truncate>
        {jobKey.clusterName} / {jobKey.groupName}
      </Text>
      <Handle type="source" position={Position.Right} />
    </Paper>
  );
}

const NODE_TYPES = { job: JobNode };
const TYPES = Object.values(DependencyType);

/** Every relation of the job: the jobs it depends on (upstream) and the jobs that depend on it, per type. */
function useRelations(jobKey: JobKey) {
  const jobManager = useJobManager();
  return useQuery({
    queryKey: [...jobQueryKey(jobKey), 'relations'],
    queryFn: async (): Promise<Relation[]> => {
      const lists = await Promise.all(
        TYPES.flatMap((dependencyType) => [
          jobManager
            .getDependentKeys(jobKey, dependencyType)
            .then((keys) =>
              keys.map((k): Relation => ({ direction: 'upstream', dependencyType, jobKey: k })),
            ),
          jobManager
            .getRelations(jobKey, dependencyType)
            .then((keys) =>
              keys.map((k): Relation => ({ direction: 'downstream', dependencyType, jobKey: k })),
            ),
        ]),
      );
      return lists.flat();
    },
  });
}

function Graph({ jobKey, relations }: { jobKey: JobKey; relations: Relation[] }) {
  const { nodes, edges } = useMemo(() => layoutRelations(jobKey, relations), [jobKey, relations]);
  return (
    <Box h={Math.min(520, 140 + 40 * relations.length)} data-testid="dependency-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        nodesConnectable={false}
        nodesDraggable={false}
        zoomOnScroll={false}
        preventScrolling={false}
        fitViewOptions={{ maxZoom: 1 }}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </Box>
  );
}

/** The job among its upstream and downstream jobs, as a graph; each other job links to its page. */
export function DependencyGraph({ jobKey }: { jobKey: JobKey }) {
  const relations = useRelations(jobKey);
  return (
    <Section title="Dependencies">
      <QueryState
        query={relations}
        isEmpty={(r) => r.length === 0}
        empty="No job depends on this one, and it depends on none."
      >
        {(r) => <Graph jobKey={jobKey} relations={r} />}
      </QueryState>
    </Section>
  );
}
