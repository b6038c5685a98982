import { Annotation, END, MemorySaver, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { ClassifiedTurn, OrderRunner } from '../../scripts/bench/juice-order';

/**
 * The juice order on LangGraph.js 1.x, as its chatbot examples keep a conversation: a graph whose state is
 * checkpointed per thread (one thread per conversation), one `invoke` per user message, routed from START to the
 * node for the question being answered. With MemorySaver, or PostgresSaver on the benchmark's PostgreSQL. The
 * customer's facts (orders, membership) live in the thread's state: LangGraph has no user scope of its own (a Store
 * would be one more write), so it does a little less work than the others here.
 */
type Stage = 'idle' | 'flavor' | 'ice' | 'package' | 'offer' | 'name' | 'phone' | 'pay';

const State = Annotation.Root({
  input: Annotation<ClassifiedTurn | null>,
  stage: Annotation<Stage>,
  flavor: Annotation<string | null>,
  ice: Annotation<boolean | null>,
  package: Annotation<'cup' | 'bowl' | null>,
  name: Annotation<string | null>,
  member: Annotation<boolean>,
  orders: Annotation<number>,
  replies: Annotation<string[]>,
});
type S = typeof State.State;

const entity = (state: S, name: string) => state.input?.entities.find((e) => e.name === name)?.value;
const PACKAGES = { cup: '杯装', bowl: '碗装' } as const;

const nodes: Record<Stage, (state: S) => Partial<S>> = {
  idle: (s) =>
    s.input?.intent === 'order.juice'
      ? {
          stage: 'flavor',
          flavor: null,
          ice: null,
          package: null,
          replies: ['请问您要什么口味? 我们有苹果、橙子、西瓜, 每杯15元。'],
        }
      : { replies: ['不好意思, 我没听懂。'] },
  flavor: (s) => ({ stage: 'ice', flavor: String(entity(s, 'flavor') ?? ''), replies: ['要加冰吗?'] }),
  ice: (s) => ({ stage: 'package', ice: entity(s, 'ice') === 'yes', replies: ['请问要杯装还是碗装?'] }),
  package: (s) => {
    const pack = entity(s, 'package') === 'bowl' ? 'bowl' : 'cup';
    return s.member
      ? { stage: 'pay', package: pack, replies: ['会员8折, 请付12元。'] }
      : { stage: 'offer', package: pack, replies: ['办理会员可以享受8折优惠, 要办理吗?'] };
  },
  offer: (s) =>
    s.input?.intent === 'affirm'
      ? { stage: 'name', replies: ['好的, 请问怎么称呼您?'] }
      : { stage: 'pay', replies: ['请付15元。'] },
  name: (s) => ({
    stage: 'phone',
    name: s.input?.text ?? '',
    replies: [`${s.input?.text ?? ''}您好, 请留一个手机号。`],
  }),
  phone: (s) =>
    entity(s, 'phone') !== undefined
      ? { stage: 'pay', member: true, replies: ['会员办理成功! 以后买果汁一律8折。', '会员8折, 请付12元。'] }
      : { replies: ['手机号格式不对, 应该是11位数字。', `${s.name ?? ''}您好, 请留一个手机号。`] },
  pay: (s) => ({
    stage: 'idle',
    orders: (s.orders ?? 0) + 1,
    replies: [
      `支付成功! 您的${s.flavor ?? ''}汁, ${s.ice ? '加冰' : '常温'}, ${PACKAGES[s.package ?? 'cup']}马上就好。`,
      '还有什么可以帮您?',
    ],
  }),
};

function buildGraph(checkpointer: BaseCheckpointSaver) {
  const graph = new StateGraph(State);
  // A node per question, named for the answer it takes (node names may not repeat the state's keys).
  const nodeOf = (stage: Stage) => `${stage}Answer`;
  for (const [stage, node] of Object.entries(nodes)) graph.addNode(nodeOf(stage as Stage), node);
  const stages = Object.keys(nodes) as Stage[];
  // Typed loosely: LangGraph types node names from the chained calls above, which a loop cannot express.
  const g = graph as unknown as StateGraph<typeof State.spec, S, Partial<S>, string>;
  g.addConditionalEdges(START, (s: S) => nodeOf(s.stage ?? 'idle'), stages.map(nodeOf));
  for (const stage of stages) g.addEdge(nodeOf(stage), END);
  return g.compile({ checkpointer });
}

export async function langgraphRunner(
  saver: 'memory' | 'postgres',
  databaseUrl: string,
  schema: string,
): Promise<OrderRunner> {
  let checkpointer: BaseCheckpointSaver;
  let close = async () => undefined as void;
  if (saver === 'postgres') {
    const pg = PostgresSaver.fromConnString(databaseUrl, { schema });
    await pg.setup();
    checkpointer = pg;
    close = () => pg.end();
  } else {
    checkpointer = new MemorySaver();
  }
  const app = buildGraph(checkpointer);
  return {
    name: `langgraph-${saver}`,
    description:
      saver === 'memory'
        ? 'LangGraph.js 1.7 (StateGraph routed by stage, MemorySaver checkpointer)'
        : 'LangGraph.js 1.7 (the same graph, PostgresSaver on the same PostgreSQL)',
    async turn(conversationId: string, _userId: string, input: ClassifiedTurn): Promise<string[]> {
      const result = await app.invoke({ input }, { configurable: { thread_id: conversationId } });
      return result.replies;
    },
    close,
  };
}
