export type {
  BotDiagram,
  DiagramNode,
  DiagramEdge,
  DiagramOptions,
  NodeKind,
  EdgeKind,
  StageType,
} from './model/diagram.types';
export { buildDiagram, PROCESS_NODE, BOT_WIDE_NODE } from './model/build-diagram';
export {
  layoutDiagram,
  type DiagramLayout,
  type PlacedNode,
  type PlacedEdge,
  type Box,
  type Point,
} from './render/elk.layout';
export { renderSvg, drawSvg } from './render/svg.renderer';
export { toMermaid } from './export/mermaid.export';
export { toXStateConfig, type StateConfigJson, type TransitionJson } from './export/xstate-config.export';
export { stageDetails, type StageDetails } from './model/stage-details';
