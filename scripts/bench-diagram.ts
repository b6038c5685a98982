import { buildDiagram, layoutDiagram, drawSvg } from '@parley/diagram';
import { runCommand, type CommandSpec } from '../apps/api/src/cli/command-line';
import {
  ask,
  defineBot,
  defineContext,
  dependOn,
  finish,
  openThread,
  type ContextDefinition,
  type IntentHandler,
  type StageConfig,
} from '@parley/dialogue-core';

/**
 * `npm run bench:diagram`: time to draw a generated bot of 50 contexts × 10 stages (model, ELK layout, SVG), the
 * size of a large real bot. Not a test: figures go to docs/studio.md.
 */
function generatedBot(contexts: number, stages: number) {
  const defs: ContextDefinition[] = [];
  for (let c = 0; c < contexts; c++) {
    const s: Record<string, StageConfig> = {};
    for (let i = 0; i < stages - 1; i++) {
      const next = i + 1 < stages - 1 ? `asking${i + 1}` : 'done';
      // Every fifth context's third stage starts the next context (dependOn), like an order offering membership.
      s[`asking${i}`] =
        i === 2 && c % 5 === 0 && c + 1 < contexts
          ? dependOn(`ctx${c + 1}`, { onDone: { done: next } })
          : ask({
              prompt: `Question ${i} of context ${c}?`,
              on: { [`intent.answer${i}`]: next, 'intent.deny': i > 0 ? `asking${i - 1}` : 'done' },
            });
    }
    s.done = finish('done');
    defs.push(defineContext({ id: `ctx${c}`, initial: 'asking0', stages: s, onCancel: { target: '.done' } }));
  }
  const intents: Record<string, IntentHandler> = {};
  for (let c = 0; c < contexts; c += 3) intents[`open.ctx${c}`] = openThread(`ctx${c}`);
  return defineBot({ id: 'generated', version: 1, home: 'ctx0', contexts: defs, intents });
}

async function main(): Promise<void> {
  const bot = generatedBot(50, 10);
  const runs: number[] = [];
  const cpu: number[] = [];
  let size = 0;
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const diagram = buildDiagram(bot);
    const svg = drawSvg(diagram, await layoutDiagram(diagram));
    runs.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
    size = svg.length;
  }
  // CPU time of this process: what the drawing costs when the machine is shared (wall time includes waiting).
  const cpuWarm = cpu.slice(1).sort((a, b) => a - b);
  const [first, ...warm] = runs;
  const sorted = [...warm].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  process.stdout.write(
    `diagram of 50 contexts × 10 stages (${bot.id}): first ${first!.toFixed(0)} ms (ELK warming up), then median ${median.toFixed(0)} ms ` +
      `(min ${sorted[0]!.toFixed(0)}, max ${sorted[sorted.length - 1]!.toFixed(0)}); CPU time median ` +
      `${cpuWarm[Math.floor(cpuWarm.length / 2)]!.toFixed(0)} ms; SVG ${Math.round(size / 1024)} KB\n`,
  );
}

export const benchDiagramCommand: CommandSpec = {
  name: 'npm run bench:diagram --',
  summary: 'Time to draw a generated bot of 50 contexts × 10 stages: diagram model, ELK layout and SVG, six runs.',
};

if (require.main === module) {
  runCommand(benchDiagramCommand, async () => {
    await main();
    return 0;
  });
}
