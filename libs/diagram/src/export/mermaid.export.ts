import { childrenByParent, type BotDiagram, type DiagramNode } from '../model/diagram.types';

/**
 * The diagram as a Mermaid `stateDiagram-v2`: the process, threads and contexts are composite states, stages are
 * states, initial markers are `[*]`, final stages go to `[*]`. Paste it into any Mermaid renderer (GitHub, GitLab,
 * mermaid.live).
 */
export function toMermaid(diagram: BotDiagram): string {
  const ids = new Map<string, string>();
  diagram.nodes.forEach((node, i) => ids.set(node.id, `n${i}`));
  const children = childrenByParent(diagram);
  const initials = new Set(diagram.nodes.filter((n) => n.kind === 'initial').map((n) => n.id));
  const lines = ['stateDiagram-v2'];
  const write = (node: DiagramNode, indent: string) => {
    const id = ids.get(node.id)!;
    const kids = children.get(node.id) ?? [];
    const label = labelOf(node);
    if (node.kind === 'initial') return;
    if (kids.length === 0) {
      lines.push(`${indent}state "${quote(label)}" as ${id}`);
      if (node.stageType === 'final') lines.push(`${indent}${id} --> [*]`);
      return;
    }
    lines.push(`${indent}state "${quote(label)}" as ${id} {`);
    for (const kid of kids) write(kid, `${indent}  `);
    for (const edge of diagram.edges) {
      if (initials.has(edge.source) && kids.some((k) => k.id === edge.source)) {
        lines.push(`${indent}  [*] --> ${ids.get(edge.target)!}`);
      }
    }
    lines.push(`${indent}}`);
  };
  for (const root of children.get('') ?? []) write(root, '  ');
  for (const edge of diagram.edges) {
    if (initials.has(edge.source)) continue;
    const label = edge.label ? ` : ${transitionLabel(edge.kind === 'escape' ? `⚑ ${edge.label}` : edge.label)}` : '';
    lines.push(`  ${ids.get(edge.source)!} --> ${ids.get(edge.target)!}${label}`);
  }
  return `${lines.join('\n')}\n`;
}

function labelOf(node: DiagramNode): string {
  const parts = [node.label];
  if (node.prompt) parts.push(`“${node.prompt}”`);
  if (node.dependOn && !node.expanded) parts.push(`⤷ ${node.dependOn}`);
  if (node.result) parts.push(`⇒ ${node.result}`);
  if (node.escapes?.length) parts.push(`⚑ ${node.escapes.join(' ')}`);
  if (node.lines?.length) parts.push(...node.lines);
  return parts.join(' · ');
}

/** Mermaid has no escaping inside quoted names; a double quote becomes a typographic one. */
function quote(text: string): string {
  return text.replace(/"/g, '”').replace(/[\r\n]+/g, ' ');
}

/** Transition labels end at the line; `:` is fine after the first one, `;` and `#` are not. */
function transitionLabel(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/;/g, ',')
    .replace(/#/g, '＃');
}
