import type { BotDefinition } from '@parley/dialogue-core';
import type { AnyStateNode } from 'xstate';

/**
 * The stage ids of every context that some transition can lead to, read from the statecharts (initial states,
 * targets and their ancestors, the initial stages below them). A stage outside this set can never be entered,
 * whatever the user says.
 */
export function staticallyReachable(bot: BotDefinition): Set<string> {
  const reached = new Set<string>();
  for (const machine of Object.values(bot.machines)) {
    const queue: AnyStateNode[] = [];
    const enter = (node: AnyStateNode | undefined) => {
      if (!node || reached.has(node.id)) return;
      if (node.type === 'history') return enter(node.parent);
      reached.add(node.id);
      queue.push(node);
      enter(node.parent);
      if (node.type === 'compound') for (const target of node.initial?.target ?? []) enter(target as AnyStateNode);
      if (node.type === 'parallel') for (const child of Object.values(node.states)) enter(child as AnyStateNode);
    };
    enter(machine.root);
    while (queue.length) {
      const node = queue.shift()!;
      const transitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
      for (const transition of transitions) for (const target of transition.target ?? []) enter(target as AnyStateNode);
    }
  }
  return reached;
}
