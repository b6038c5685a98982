import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { childrenByParent, type BotDiagram, type DiagramEdge, type DiagramNode } from '../model/diagram.types';
import { FONT, textWidth, truncate } from './text.metrics';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** A node where the layout put it (absolute coordinates), with the lines of text drawn in it. */
export interface PlacedNode extends Box {
  node: DiagramNode;
  /** Text under the title: the prompt of a stage, the context a dependOn starts, escapes handled, bot-wide lines. */
  lines: string[];
  /** Compound nodes (process, thread, context, expanded or nested stages) draw their children inside. */
  compound: boolean;
}

export interface PlacedEdge {
  edge: DiagramEdge;
  points: Point[];
  label?: Box;
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Leaf and header sizes (px). */
const SIZE = { pad: 10, line: 14, title: 22, contextTitle: 36, initial: 12, minStage: 72, edgeLabelHeight: 14 };

/** One ELK instance, without a worker: layout runs in this thread (the server caches the results). */
let elk: InstanceType<typeof ELK> | undefined;

/** ELK's layered algorithm, left to right, orthogonal edges, over a context's whole hierarchy at once. */
const CONTEXT_LAYOUT: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.edgeLabel': '2',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};

/** Spacing of the process level (px): threads one under the other, bot-wide handlers on their left. */
const PROCESS = { pad: 10, title: 26, threadTitle: 20, threadPad: 8, gap: 14, lane: 9 };

/**
 * Lay a diagram out. Each context (with its stages, sub-stages and the contexts expanded inside it) is laid out by
 * ELK's layered algorithm; the process stacks the threads in one column, with the bot-wide handlers on the left, and
 * the edges between threads (a thread opened by a bot-wide intent, a context started by another thread's stage, the
 * routing between levels) run in the gutters on either side. Laying out each context alone keeps the cost linear in
 * the number of contexts and the drawing as wide as its widest context.
 */
export async function layoutDiagram(diagram: BotDiagram): Promise<DiagramLayout> {
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const children = childrenByParent(diagram);
  // The top-level context drawing each node belongs to (undefined for the process, bot-wide node and threads).
  const owner = new Map<string, string>();
  const ownerOf = (id: string): string | undefined => {
    if (owner.has(id)) return owner.get(id);
    const node = byId.get(id);
    const parent = node?.parent ? byId.get(node.parent) : undefined;
    const found = !node || !parent ? undefined : parent.kind === 'thread' ? node.id : ownerOf(parent.id);
    owner.set(id, found ?? '');
    return found;
  };
  const internal = new Map<string, DiagramEdge[]>();
  const cross: DiagramEdge[] = [];
  for (const edge of diagram.edges) {
    const from = ownerOf(edge.source);
    if (from && from === ownerOf(edge.target)) {
      let list = internal.get(from);
      if (!list) internal.set(from, (list = []));
      list.push(edge);
    } else cross.push(edge);
  }

  const nodes: PlacedNode[] = [];
  const edges: PlacedEdge[] = [];
  const process = diagram.nodes.find((n) => n.kind === 'process');
  const botWide = diagram.nodes.find((n) => n.kind === 'intents');
  const threads = diagram.nodes.filter((n) => n.kind === 'thread');
  const placedProcess: PlacedNode | undefined = process
    ? { node: process, x: 0, y: 0, width: 0, height: 0, lines: [], compound: true }
    : undefined;
  if (placedProcess) nodes.push(placedProcess);

  // Each thread's context, laid out alone (relative coordinates).
  // One ELK call for every context (each laid out on its own inside it): ELK's cost per call is most of a small
  // graph's, so 50 calls for 50 contexts cost several times one.
  const graphs = new Map<string, ContextGraph>();
  for (const thread of threads) {
    const context = (children.get(thread.id) ?? [])[0];
    if (context) graphs.set(thread.id, contextGraph(context, children, internal.get(context.id) ?? []));
  }
  const laidAll = await (elk ??= new ELK()).layout({
    id: '(root)',
    layoutOptions: { 'elk.algorithm': 'layered', 'elk.hierarchyHandling': 'SEPARATE_CHILDREN' },
    children: [...graphs.values()].map((g) => g.node),
  });
  const drawings = new Map<string, ContextDrawing>();
  for (const [thread, graph] of graphs) {
    const laid = laidAll.children?.find((c) => c.id === graph.node.id);
    if (laid) drawings.set(thread, graph.read(laid));
  }

  const botWideLines = botWide ? linesOf(botWide) : [];
  const botWideSize = botWide ? leafSize(botWide, botWideLines) : { width: 0, height: 0 };
  const fromBotWide = cross.filter((e) => e.source === botWide?.id || e.target === botWide?.id);
  const between = cross.filter((e) => !fromBotWide.includes(e));
  const leftLabels = Math.max(0, ...fromBotWide.map((e) => (e.label ? textWidth(e.label, FONT.edge) + 10 : 0)));
  const leftGutter = 16 + fromBotWide.length * PROCESS.lane + leftLabels;
  const columnX = PROCESS.pad + botWideSize.width + leftGutter;

  let y = PROCESS.title;
  let columnRight = columnX;
  for (const thread of threads) {
    const drawing = drawings.get(thread.id);
    const width = Math.max(drawing?.width ?? 0, titleWidth(thread, [])) + 2 * PROCESS.threadPad;
    const height = PROCESS.threadTitle + (drawing?.height ?? 0) + PROCESS.threadPad;
    nodes.push({ node: thread, x: columnX, y, width, height, lines: [], compound: true });
    if (drawing) {
      const dx = columnX + PROCESS.threadPad;
      const dy = y + PROCESS.threadTitle;
      for (const n of drawing.nodes) nodes.push({ ...n, x: n.x + dx, y: n.y + dy });
      for (const e of drawing.edges) edges.push(shift(e, dx, dy));
    }
    columnRight = Math.max(columnRight, columnX + width);
    y += height + PROCESS.gap;
  }
  if (botWide) {
    nodes.push({
      node: botWide,
      x: PROCESS.pad,
      y: PROCESS.title,
      ...botWideSize,
      lines: botWideLines,
      compound: false,
    });
  }
  const boxes = new Map(nodes.map((n) => [n.node.id, n]));

  // Bot-wide edges: one lane each in the left gutter; labels on the last stretch, just before the thread.
  fromBotWide.forEach((edge, i) => {
    const source = boxes.get(edge.source);
    const target = boxes.get(edge.target);
    if (!source || !target) return;
    const outgoing = edge.source === botWide?.id;
    const lane = PROCESS.pad + botWideSize.width + 8 + i * PROCESS.lane;
    const near = outgoing ? target : source;
    const far = outgoing ? source : target;
    // Into a thread near its top; out of it (what bubbles up to the process) near its bottom.
    const nearY = outgoing ? near.y + Math.min(10 + (i % 3) * 4, near.height / 2) : near.y + near.height - 8;
    const farY = far.y + Math.min(12 + i * 5, far.height - 4);
    const path: Point[] = [
      { x: far.x + far.width, y: farY },
      { x: lane, y: farY },
      { x: lane, y: nearY },
      { x: near.x, y: nearY },
    ];
    const points = outgoing ? path : [...path].reverse();
    const width = edge.label ? textWidth(edge.label, FONT.edge) + 6 : 0;
    edges.push({
      edge,
      points,
      ...(edge.label
        ? { label: { x: near.x - width - 4, y: nearY - SIZE.edgeLabelHeight - 1, width, height: SIZE.edgeLabelHeight } }
        : {}),
    });
  });

  // Edges between threads: one lane each in the right gutter, label beside the lane.
  let rightLabels = 0;
  between.forEach((edge, i) => {
    const source = boxes.get(edge.source);
    const target = boxes.get(edge.target);
    if (!source || !target) return;
    const lane = columnRight + 10 + i * PROCESS.lane;
    const sy = source.y + Math.min(source.height / 2, 20);
    const ty = target.y + Math.min(14 + (i % 4) * 4, target.height / 2);
    const points = [
      { x: source.x + source.width, y: sy },
      { x: lane, y: sy },
      { x: lane, y: ty },
      { x: target.x + target.width, y: ty },
    ];
    const width = edge.label ? textWidth(edge.label, FONT.edge) + 6 : 0;
    rightLabels = Math.max(rightLabels, width);
    edges.push({
      edge,
      points,
      ...(edge.label
        ? { label: { x: lane + 3, y: (sy + ty) / 2 - SIZE.edgeLabelHeight / 2, width, height: SIZE.edgeLabelHeight } }
        : {}),
    });
  });
  // Labels of lanes further right would cover nothing but other labels: shift them all past the last lane.
  const lanesEnd = columnRight + 10 + between.length * PROCESS.lane;
  for (const placed of edges) {
    if (between.includes(placed.edge) && placed.label) placed.label.x = lanesEnd + 2;
  }

  const width = Math.ceil(lanesEnd + (between.length ? rightLabels + 6 : 0) + PROCESS.pad);
  const height = Math.ceil(Math.max(y - PROCESS.gap, PROCESS.title + botWideSize.height) + PROCESS.pad);
  if (placedProcess) {
    placedProcess.width = width;
    placedProcess.height = height;
  }
  edges.sort((a, b) => Number(a.edge.id.slice(1)) - Number(b.edge.id.slice(1)));
  return { width, height, nodes, edges };
}

interface ContextDrawing {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

interface ContextGraph {
  /** The ELK graph of the context, in a wrapper node of its own. */
  node: ElkNode;
  /** The drawing, from the laid-out wrapper, at (0, 0). */
  read(laid: ElkNode): ContextDrawing;
}

/** One top-level context with everything inside it, as an ELK graph laid out on its own. */
function contextGraph(
  context: DiagramNode,
  children: ReadonlyMap<string, DiagramNode[]>,
  edges: readonly DiagramEdge[],
): ContextGraph {
  const lines = new Map<string, string[]>();
  const byId = new Map<string, DiagramNode>();
  const toElk = (node: DiagramNode): ElkNode => {
    const text = linesOf(node);
    lines.set(node.id, text);
    byId.set(node.id, node);
    const kids = children.get(node.id) ?? [];
    if (kids.length > 0) {
      const top = node.kind === 'context' ? SIZE.contextTitle : SIZE.title + text.length * SIZE.line;
      return {
        id: node.id,
        layoutOptions: {
          'elk.padding': `[top=${top},left=${SIZE.pad},bottom=${SIZE.pad},right=${SIZE.pad}]`,
          'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          'elk.nodeSize.minimum': `(${titleWidth(node, text)},${top + 20})`,
        },
        children: kids.map(toElk),
      };
    }
    return { id: node.id, ...leafSize(node, text) };
  };
  // The context sits in a wrapper of its own, so that its own handlers (edges from the context to a stage) are laid out.
  const wrapper = `(context):${context.id}`;
  const root: ElkNode = {
    id: wrapper,
    layoutOptions: CONTEXT_LAYOUT,
    children: [toElk(context)],
    edges: edges.map((edge): ElkExtendedEdge => ({
      id: edge.id,
      sources: [edge.source],
      targets: [edge.target],
      ...(edge.label
        ? { labels: [{ text: edge.label, width: textWidth(edge.label, FONT.edge) + 6, height: SIZE.edgeLabelHeight }] }
        : {}),
    })),
  };
  return { node: root, read: (laid) => readContext(laid, wrapper, byId, lines, edges) };
}

function readContext(
  laid: ElkNode,
  wrapper: string,
  byId: ReadonlyMap<string, DiagramNode>,
  lines: ReadonlyMap<string, string[]>,
  edges: readonly DiagramEdge[],
): ContextDrawing {
  const nodes: PlacedNode[] = [];
  const offsets = new Map<string, Point>();
  const place = (elkNode: ElkNode, origin: Point) => {
    const x = origin.x + (elkNode.x ?? 0);
    const y = origin.y + (elkNode.y ?? 0);
    offsets.set(elkNode.id, { x, y });
    const node = byId.get(elkNode.id);
    if (node) {
      nodes.push({
        node,
        x,
        y,
        width: elkNode.width ?? 0,
        height: elkNode.height ?? 0,
        lines: lines.get(node.id) ?? [],
        compound: (elkNode.children?.length ?? 0) > 0,
      });
    }
    for (const child of elkNode.children ?? []) place(child, { x, y });
  };
  for (const child of laid.children ?? []) place(child, { x: 0, y: 0 });
  offsets.set(wrapper, { x: 0, y: 0 });

  const byEdge = new Map(edges.map((e) => [e.id, e]));
  const placedEdges: PlacedEdge[] = [];
  const collect = (elkNode: ElkNode) => {
    for (const elkEdge of elkNode.edges ?? []) {
      const edge = byEdge.get(elkEdge.id);
      if (!edge) continue;
      const origin = offsets.get(elkEdge.container ?? elkNode.id) ?? { x: 0, y: 0 };
      const points: Point[] = [];
      for (const section of elkEdge.sections ?? []) {
        for (const p of [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]) {
          points.push({ x: origin.x + p.x, y: origin.y + p.y });
        }
      }
      const label = elkEdge.labels?.[0];
      placedEdges.push({
        edge,
        points,
        ...(label
          ? {
              label: {
                x: origin.x + (label.x ?? 0),
                y: origin.y + (label.y ?? 0),
                width: label.width ?? 0,
                height: label.height ?? 0,
              },
            }
          : {}),
      });
    }
    for (const child of elkNode.children ?? []) collect(child);
  };
  collect(laid);
  const box = laid.children?.[0];
  return { width: box?.width ?? 0, height: box?.height ?? 0, nodes, edges: placedEdges };
}

function shift(placed: PlacedEdge, dx: number, dy: number): PlacedEdge {
  return {
    edge: placed.edge,
    points: placed.points.map((p) => ({ x: p.x + dx, y: p.y + dy })),
    ...(placed.label ? { label: { ...placed.label, x: placed.label.x + dx, y: placed.label.y + dy } } : {}),
  };
}

/** The text a node shows under its title. */
function linesOf(node: DiagramNode): string[] {
  const out: string[] = [];
  if (node.kind === 'intents') out.push(...(node.lines ?? []));
  if (node.kind === 'context' && node.description) out.push(truncate(node.description, 40));
  if (node.prompt) out.push(node.prompt === '(computed)' ? '(computed prompt)' : truncate(node.prompt, 14));
  if (node.dependOn && !node.expanded) out.push(`⤷ ${node.dependOn}`);
  if (node.result) out.push(`⇒ ${node.result}`);
  if (node.yields) out.push('yields');
  if (node.escapes?.length) out.push(`⚑ ${node.escapes.join(' ')}`);
  return out;
}

function leafSize(node: DiagramNode, text: string[]): { width: number; height: number } {
  if (node.kind === 'initial') return { width: SIZE.initial, height: SIZE.initial };
  const width = Math.max(
    SIZE.minStage,
    textWidth(node.label, FONT.stage) + 2 * SIZE.pad,
    ...text.map((line) => textWidth(line, FONT.prompt) + 2 * SIZE.pad),
  );
  return { width, height: SIZE.title + text.length * SIZE.line + 4 };
}

function titleWidth(node: DiagramNode, text: string[]): number {
  return Math.max(textWidth(node.label, FONT.title), ...text.map((line) => textWidth(line, FONT.lines))) + 2 * SIZE.pad;
}
