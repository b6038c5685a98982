import { buildDiagram, renderSvg, stageDetails, toMermaid, toXStateConfig, type StageDetails } from '@parley/diagram';
import type { BotDefinition } from '@parley/dialogue-core';
import { ConversationRepository } from '@parley/persistence';
import type { AdminService } from '../admin/admin.service';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import type { StoredTurnState } from '../turns/turn.record';
import { corpusExamples, pathCoverage, type PathCoverage } from './bot-files';
import { highlightFromPath, highlightFromTree, type Highlight } from './highlight';

export type DiagramFormat = 'svg' | 'mmd' | 'json';

export interface DiagramRequest {
  routing: boolean;
  expand: 'all' | string[];
}

/** What the Studio's bot view needs besides the drawing. */
export interface BotView {
  id: string;
  version: number;
  home: string;
  contexts: string[];
  intents: string[];
  stages: Record<string, StageDetails>;
  /** The bot's path-test coverage, when `machines/<bot>/paths/coverage.json` exists. */
  coverage: PathCoverage | null;
}

const DRAWINGS_PER_BOT = 200;

/** The Studio's reads: diagrams (cached per bot and options: a bot does not change while the server runs), highlights. */
export class StudioService {
  private readonly drawings = new Map<string, Promise<string>>();
  private readonly examples = new Map<string, Promise<Record<string, string[]>>>();
  private readonly details = new Map<string, Record<string, StageDetails>>();
  private readonly conversations: ConversationRepository;

  constructor(
    private readonly runtime: Runtime,
    private readonly admin: AdminService,
  ) {
    this.conversations = new ConversationRepository(runtime.db);
  }

  bot(id: string): BotDefinition {
    const bot = this.runtime.bots.find(id);
    if (!bot)
      throw new ApiError(
        'BOT_NOT_FOUND',
        `No bot '${id}'. Bots: ${this.runtime.bots
          .all()
          .map((b) => b.id)
          .join(', ')}.`,
      );
    return bot;
  }

  /** The bot's diagram as SVG, Mermaid or XState machine config (JSON text). */
  diagram(id: string, format: DiagramFormat, request: DiagramRequest): Promise<string> {
    const bot = this.bot(id);
    if (format === 'json') return Promise.resolve(`${JSON.stringify(toXStateConfig(bot), null, 2)}\n`);
    const expand = request.expand === 'all' ? 'all' : [...new Set(request.expand)].sort();
    const key = `${bot.id}\u0000${format}\u0000${request.routing}\u0000${expand === 'all' ? '*' : expand.join(',')}`;
    let drawing = this.drawings.get(key);
    if (!drawing) {
      drawing = this.corpus(bot.id).then(async (examples) => {
        const diagram = buildDiagram(bot, { routing: request.routing, expand, examples });
        return format === 'svg' ? renderSvg(diagram) : toMermaid(diagram);
      });
      if (this.drawings.size >= DRAWINGS_PER_BOT * this.runtime.bots.all().length) this.drawings.clear();
      this.drawings.set(key, drawing);
      drawing.catch(() => this.drawings.delete(key));
    }
    return drawing;
  }

  async botView(id: string): Promise<BotView> {
    const bot = this.bot(id);
    return {
      id: bot.id,
      version: bot.version,
      home: bot.home,
      contexts: Object.keys(bot.contexts),
      intents: [...bot.intents],
      stages: await this.stages(bot),
      coverage: (await pathCoverage(bot.id)) ?? null,
    };
  }

  /** A conversation as the admin API gives it, with what to mark on the diagram now and after each turn. */
  async conversation(id: string) {
    const details = await this.admin.conversation(id);
    const bot = this.runtime.bots.find(details.botId);
    const stages = bot ? await this.stages(bot) : {};
    const now: Highlight | null = details.state
      ? highlightFromTree(details.state.tree, details.state.threads.focus || null, stages)
      : null;
    // The inbound lines' state is what `turnState` wrote (older lines may lack later fields).
    const lines = (await this.conversations.transcript(id, { limit: 10_000 })).map((line) => ({
      ...line,
      state: (line.state ?? null) as StoredTurnState | null,
    }));
    const turns = lines
      .filter((line) => line.direction === 'in')
      .map(({ turn, state }) => ({
        turn,
        state,
        highlight: state?.activePath ? highlightFromPath(state.activePath, state.focus ?? null, stages) : null,
      }));
    return {
      conversation: details,
      highlight: now,
      transcript: lines.map((line) => ({ ...line, at: line.at.toISOString() })),
      turns,
    };
  }

  private async stages(bot: BotDefinition): Promise<Record<string, StageDetails>> {
    let found = this.details.get(bot.id);
    if (!found) this.details.set(bot.id, (found = stageDetails(bot, await this.corpus(bot.id))));
    return found;
  }

  private corpus(botId: string): Promise<Record<string, string[]>> {
    let found = this.examples.get(botId);
    if (!found) {
      found = corpusExamples(botId).catch(() => ({}));
      this.examples.set(botId, found);
    }
    return found;
  }
}
