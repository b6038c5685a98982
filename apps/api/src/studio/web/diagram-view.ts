import { getText } from './api';

interface ViewBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DiagramOptions {
  routing: boolean;
  expand: string[] | 'all';
}

/**
 * A bot's diagram (the server's SVG) in a pannable, zoomable canvas: drag to pan, wheel to zoom, `fit()` to see it
 * whole. Nodes carry `data-id`, `data-context`, `data-stage`; marking is done with classes.
 */
export class DiagramView {
  private svg?: SVGSVGElement;
  private box: ViewBox = { x: 0, y: 0, w: 1, h: 1 };
  private full: ViewBox = { x: 0, y: 0, w: 1, h: 1 };
  onSelect: (node: SVGGElement) => void = () => undefined;
  onToggle: (node: SVGGElement) => void = () => undefined;

  constructor(readonly canvas: HTMLElement) {
    let drag: { x: number; y: number; box: ViewBox } | undefined;
    canvas.addEventListener('pointerdown', (e) => {
      if ((e.target as Element).closest('.node.stage, .node.context')) return;
      drag = { x: e.clientX, y: e.clientY, box: { ...this.box } };
      canvas.classList.add('dragging');
    });
    window.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const scale = this.box.w / canvas.clientWidth;
      this.set({
        ...drag.box,
        x: drag.box.x - (e.clientX - drag.x) * scale,
        y: drag.box.y - (e.clientY - drag.y) * scale,
      });
    });
    window.addEventListener('pointerup', () => {
      drag = undefined;
      canvas.classList.remove('dragging');
    });
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const rect = canvas.getBoundingClientRect();
        this.zoom(
          e.deltaY < 0 ? 1 / 1.15 : 1.15,
          (e.clientX - rect.left) / rect.width,
          (e.clientY - rect.top) / rect.height,
        );
      },
      { passive: false },
    );
    canvas.addEventListener('click', (e) => {
      const node = (e.target as Element).closest<SVGGElement>('.node.stage, .node.context');
      if (node) this.onSelect(node);
    });
    canvas.addEventListener('dblclick', (e) => {
      const node = (e.target as Element).closest<SVGGElement>('.node.stage.depends');
      if (node) this.onToggle(node);
    });
  }

  /** Load the drawing for these options (the view box is kept when the drawing is the same size). */
  async load(bot: string, options: DiagramOptions): Promise<void> {
    const params = new URLSearchParams();
    if (options.routing) params.set('routing', '1');
    const expand = options.expand === 'all' ? 'all' : options.expand.join(',');
    if (expand) params.set('expand', expand);
    const text = await getText(`/api/bots/${encodeURIComponent(bot)}/diagram.svg?${params.toString()}`);
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement;
    const width = Number(svg.getAttribute('width'));
    const height = Number(svg.getAttribute('height'));
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    // A new drawing of another size (something expanded or collapsed) is shown whole.
    const resized = !this.svg || width !== this.full.w || height !== this.full.h;
    this.svg?.remove();
    this.svg = svg;
    this.canvas.append(svg);
    this.full = { x: 0, y: 0, w: width, h: height };
    if (resized) this.fit();
    else this.set(this.box);
  }

  nodes(selector = '.node'): SVGGElement[] {
    return this.svg ? [...this.svg.querySelectorAll<SVGGElement>(selector)] : [];
  }

  node(id: string): SVGGElement | undefined {
    return this.nodes().find((n) => n.dataset.id === id);
  }

  fit(): void {
    const pad = 10;
    this.set({ x: this.full.x - pad, y: this.full.y - pad, w: this.full.w + 2 * pad, h: this.full.h + 2 * pad });
  }

  zoom(factor: number, fx = 0.5, fy = 0.5): void {
    const w = this.box.w * factor;
    const h = this.box.h * factor;
    this.set({ x: this.box.x + (this.box.w - w) * fx, y: this.box.y + (this.box.h - h) * fy, w, h });
  }

  /** Center the view on a node, zoomed in enough to read it. */
  focusOn(node: SVGGElement): void {
    const rect = node.querySelector('rect, circle');
    if (!(rect instanceof SVGGraphicsElement)) return;
    const b = rect.getBBox();
    const w = Math.min(this.full.w, Math.max(b.width * 4, 700));
    const h = (w * this.canvas.clientHeight) / Math.max(1, this.canvas.clientWidth);
    this.set({ x: b.x + b.width / 2 - w / 2, y: b.y + b.height / 2 - h / 2, w, h });
  }

  private set(box: ViewBox): void {
    this.box = box;
    this.svg?.setAttribute('viewBox', `${box.x} ${box.y} ${box.w} ${box.h}`);
  }
}
