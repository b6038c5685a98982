import { miniBot } from '../../test/mini.bot';
import { buildDiagram } from '../model/build-diagram';
import { layoutDiagram } from './elk.layout';
import { drawSvg } from './svg.renderer';

describe('layout and SVG', () => {
  test('every node is drawn once, inside its parent; every edge has a path from its source to its target', async () => {
    const diagram = buildDiagram(miniBot(), { expand: ['order:confirming'], routing: true });
    const layout = await layoutDiagram(diagram);
    const boxes = new Map(layout.nodes.map((n) => [n.node.id, n]));
    expect([...boxes.keys()].sort()).toEqual(diagram.nodes.map((n) => n.id).sort());
    for (const placed of layout.nodes) {
      for (const v of [placed.x, placed.y, placed.width, placed.height]) expect(Number.isFinite(v)).toBe(true);
      const parent = placed.node.parent ? boxes.get(placed.node.parent) : undefined;
      if (!parent) continue;
      expect(placed.x).toBeGreaterThanOrEqual(parent.x);
      expect(placed.y).toBeGreaterThanOrEqual(parent.y);
      expect(placed.x + placed.width).toBeLessThanOrEqual(parent.x + parent.width + 0.5);
      expect(placed.y + placed.height).toBeLessThanOrEqual(parent.y + parent.height + 0.5);
    }
    expect(layout.edges.map((e) => e.edge.id).sort()).toEqual(diagram.edges.map((e) => e.id).sort());
    for (const { edge, points } of layout.edges) {
      expect(points.length).toBeGreaterThanOrEqual(2);
      const near = (id: string, p: { x: number; y: number }) => {
        const b = boxes.get(id)!;
        return p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1;
      };
      expect(near(edge.source, points[0]!)).toBe(true);
      expect(near(edge.target, points[points.length - 1]!)).toBe(true);
    }

    const svg = drawSvg(diagram, layout);
    for (const node of diagram.nodes) expect(svg.split(`data-id="${node.id.replace(/>/g, '&gt;')}"`)).toHaveLength(2);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="parley-diagram" data-bot="mini"/);
    expect(svg).toContain(
      '<g class="node stage atomic question" data-id="confirm:asking" data-kind="stage" data-context="confirm" data-stage="asking">',
    );
    expect(svg).not.toContain('NaN');
  });

  test('text is escaped', async () => {
    const diagram = buildDiagram(miniBot());
    diagram.nodes.find((n) => n.id === 'home:idle')!.prompt = '<b>"&"</b>';
    const svg = drawSvg(diagram, await layoutDiagram(diagram));
    expect(svg).toContain('&lt;b&gt;"&amp;"&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });
});
