import type { BotDiagram, EdgeKind } from '../model/diagram.types';
import { layoutDiagram, type DiagramLayout, type PlacedEdge, type PlacedNode } from './elk.layout';
import { FONT } from './text.metrics';

const EDGE_KINDS: readonly EdgeKind[] = [
  'transition',
  'always',
  'result',
  'service',
  'escape',
  'dependOn',
  'opens',
  'initial',
  'routing',
];

/**
 * The style of a drawing, inside the SVG so that an exported file looks the same anywhere. The Studio marks the live
 * state with the classes `active` (a thread's current stage), `running` and `focus` (threads), `match` (search).
 */
const STYLE = `
.parley-diagram { font-family: system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif; }
.parley-diagram text { fill: #1f2933; }
.node > rect { stroke-width: 1.2; }
.process > rect { fill: #f7f8fa; stroke: #9aa5b1; }
.thread > rect { fill: #ffffff; stroke: #b8c2cc; stroke-dasharray: 5 3; }
.thread.home > rect { stroke: #7b8794; }
.context > rect { fill: #eef4fb; stroke: #5b7ba6; stroke-width: 1.5; }
.stage > rect { fill: #ffffff; stroke: #52606d; }
.stage.compound > rect, .stage.parallel > rect, .stage.expanded > rect { fill: #f5f0fb; stroke: #8a63b8; }
.stage.choice > rect { fill: #fafafa; stroke: #9aa5b1; stroke-dasharray: 3 2; }
.stage.final > rect.inner { fill: none; stroke: #52606d; }
.stage.question > rect { stroke: #2f5f98; }
.stage.history > rect { fill: #fff8e6; }
.intents > rect { fill: #fff6e5; stroke: #d19a3b; }
.initial > circle { fill: #1f2933; }
.title { font-weight: 600; font-size: ${FONT.title}px; }
.stage .title { font-size: ${FONT.stage}px; }
.thread .title { font-weight: 400; fill: #7b8794; font-size: 11px; }
.line { font-size: ${FONT.prompt}px; fill: #52606d; }
.line.escapes { fill: #b42318; }
.line.result { fill: #1a7f4b; }
.line.depends { fill: #8a63b8; }
.edge path { fill: none; stroke-width: 1.2; }
.edge-label rect { fill: #ffffff; opacity: 0.9; }
.edge-label text { font-size: ${FONT.edge}px; }
.edge.transition path { stroke: #334e68; } .edge.transition .arrow { fill: #334e68; }
.edge.always path { stroke: #829ab1; stroke-dasharray: 4 2; } .edge.always .arrow { fill: #829ab1; }
.edge.result path { stroke: #1a7f4b; } .edge.result .arrow { fill: #1a7f4b; } .edge.result text { fill: #1a7f4b; }
.edge.service path { stroke: #0e7c86; } .edge.service .arrow { fill: #0e7c86; }
.edge.escape path { stroke: #b42318; stroke-dasharray: 6 3; } .edge.escape .arrow { fill: #b42318; } .edge.escape text { fill: #b42318; }
.edge.dependOn path { stroke: #8a63b8; stroke-dasharray: 2 3; stroke-width: 1.6; } .edge.dependOn .arrow { fill: #8a63b8; } .edge.dependOn text { fill: #8a63b8; }
.edge.opens path { stroke: #c77d0a; } .edge.opens .arrow { fill: #c77d0a; } .edge.opens text { fill: #9a5b00; }
.edge.initial path { stroke: #1f2933; } .edge.initial .arrow { fill: #1f2933; }
.edge.routing path { stroke: #b8c2cc; stroke-dasharray: 2 2; } .edge.routing .arrow { fill: #b8c2cc; } .edge.routing text { fill: #9aa5b1; }
.edge-label.has-samples text { text-decoration: underline dotted; }
.thread.running > rect { stroke: #3e7c17; stroke-dasharray: none; }
.thread.focus > rect { stroke: #3e7c17; stroke-width: 2.5; }
.stage.active > rect { fill: #fff1c2; stroke: #e08a00; stroke-width: 3; }
.stage.match > rect, .context.match > rect { stroke: #d6336c; stroke-width: 3; }
`;

/** Lay out and draw a diagram as a standalone SVG document. */
export async function renderSvg(diagram: BotDiagram): Promise<string> {
  return drawSvg(diagram, await layoutDiagram(diagram));
}

/** Draw an already laid-out diagram. Every node and edge carries `data-*` attributes the Studio uses. */
export function drawSvg(diagram: BotDiagram, layout: DiagramLayout): string {
  const out: string[] = [];
  const width = layout.width;
  const height = layout.height;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="parley-diagram" data-bot="${attr(diagram.bot)}" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  );
  out.push(`<title>${text(`${diagram.bot} v${diagram.version}`)}</title>`);
  out.push(`<style>${STYLE}</style>`);
  out.push('<defs>');
  for (const kind of EDGE_KINDS) {
    out.push(
      `<marker id="arrow-${kind}" class="edge ${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ` +
        `markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>`,
    );
  }
  out.push('</defs>');
  // Containers first, then edges (over the containers), then the leaves, then edge labels on top.
  const compounds = layout.nodes.filter((n) => n.compound);
  const leaves = layout.nodes.filter((n) => !n.compound);
  out.push('<g class="nodes compounds">', ...compounds.map(drawNode), '</g>');
  out.push('<g class="edges">', ...layout.edges.map(drawEdge), '</g>');
  out.push('<g class="nodes leaves">', ...leaves.map(drawNode), '</g>');
  out.push('<g class="edge-labels">', ...layout.edges.map(drawEdgeLabel), '</g>');
  out.push('</svg>');
  return out.join('\n');
}

function drawNode(placed: PlacedNode): string {
  const { node, x, y, width, height } = placed;
  const classes = ['node', node.kind];
  if (node.stageType) classes.push(node.stageType);
  if (node.prompt) classes.push('question');
  if (node.expanded) classes.push('expanded');
  if (node.dependOn) classes.push('depends');
  if (node.home) classes.push('home');
  const data = [`data-id="${attr(node.id)}"`, `data-kind="${node.kind}"`];
  if (node.context) data.push(`data-context="${attr(node.context)}"`);
  if (node.stage) data.push(`data-stage="${attr(node.stage)}"`);
  if (node.dependOn) data.push(`data-depend-on="${attr(node.dependOn)}"`);
  const parts = [`<g class="${classes.join(' ')}" ${data.join(' ')}>`];
  const tooltip = [node.id, node.prompt, node.description].filter(Boolean).join('\n');
  parts.push(`<title>${text(tooltip)}</title>`);
  if (node.kind === 'initial') {
    parts.push(`<circle cx="${n(x + width / 2)}" cy="${n(y + height / 2)}" r="${n(width / 2)}"/>`, '</g>');
    return parts.join('');
  }
  const radius = node.kind === 'stage' ? 8 : node.kind === 'context' ? 6 : 4;
  parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="${radius}"/>`);
  if (node.stageType === 'final') {
    parts.push(
      `<rect class="inner" x="${n(x + 3)}" y="${n(y + 3)}" width="${n(width - 6)}" height="${n(height - 6)}" rx="${radius - 2}"/>`,
    );
  }
  const left = x + 10;
  const title = node.stageType === 'history' ? `H${node.label === 'resume' ? '' : ` ${node.label}`}*` : node.label;
  parts.push(`<text class="title" x="${n(left)}" y="${n(y + 16)}">${text(title)}</text>`);
  placed.lines.forEach((line, i) => {
    const kind = line.startsWith('⚑')
      ? ' escapes'
      : line.startsWith('⇒')
        ? ' result'
        : line.startsWith('⤷')
          ? ' depends'
          : '';
    parts.push(`<text class="line${kind}" x="${n(left)}" y="${n(y + 30 + i * 14)}">${text(line)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}

function drawEdge(placed: PlacedEdge): string {
  const { edge, points } = placed;
  if (points.length < 2) return '';
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)},${n(p.y)}`).join(' ');
  return (
    `<g class="edge ${edge.kind}" data-id="${edge.id}" data-source="${attr(edge.source)}" data-target="${attr(edge.target)}">` +
    `<path d="${d}" marker-end="url(#arrow-${edge.kind})"/></g>`
  );
}

function drawEdgeLabel(placed: PlacedEdge): string {
  const { edge, label } = placed;
  if (!label || !edge.label) return '';
  const samples = Object.entries(edge.samples ?? {});
  const tooltip = samples.length
    ? samples.map(([intent, examples]) => `${intent}: «${examples.join('», «')}»`).join('\n')
    : edge.events.join(', ');
  return (
    `<g class="edge-label edge ${edge.kind}${samples.length ? ' has-samples' : ''}" data-id="${edge.id}">` +
    `<title>${text(tooltip)}</title>` +
    `<rect x="${n(label.x)}" y="${n(label.y)}" width="${n(label.width)}" height="${n(label.height)}" rx="3"/>` +
    `<text x="${n(label.x + 3)}" y="${n(label.y + label.height - 3.5)}">${text(edge.label)}</text></g>`
  );
}

/** Coordinates with at most one decimal. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;');
}
