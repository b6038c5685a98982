import { juiceKit } from './kit';

/**
 * «果汁里有什么?»: questions about ingredients go to an external brain (`BRAINS={"ingredients": …}`, docs/brains.md),
 * which may ask back («哪种果汁?», `stay`) before it answers. It sees the customer's record, nothing else. Ordering
 * stays Parley's: «我想买果汁» in the middle goes to the order as usual. The stand-in brain for trying it out is
 * `machines/juice/brains/ingredients.brain.ts`.
 */
export const ingredients = juiceKit.brainContext({
  id: 'ingredients',
  description: 'Questions about ingredients, answered by an external brain.',
  brain: 'ingredients',
  memory: ['customer'],
  except: ['order.juice', 'order.resume', 'weather.ask', 'member.join', 'human'],
  sorry: '抱歉, 配料信息暂时查不到, 请稍后再问。',
});
