/**
 * The Studio's and the web chat's pages are compiled on their own (browser tsconfigs) and declare the JSON they read
 * from the server in their `web/types.ts`. This file is type-checked with the server (`npm run typecheck`) and keeps
 * the two from drifting apart: what each route sends, as JSON, must be assignable to what its page expects. A field the
 * server renames, drops or retypes fails the type-check here instead of a user's page. It runs nothing.
 */
import type { WebchatResponse } from '@parley/channels';
import type { StudioApiController } from '../../apps/api/src/studio/studio-api.controller';
import type { StudioService } from '../../apps/api/src/studio/studio.service';
import type * as Studio from '../../apps/api/src/studio/web/types';
import type { WebchatController } from '../../apps/api/src/webchat/webchat.controller';
import type * as Chat from '../../apps/api/src/webchat/web/types';
import type { AdminController } from '../../apps/api/src/admin/admin.controller';

/** A value as `JSON.stringify` sends it: a Date becomes its ISO string; functions are left out. */
type AsJson<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? AsJson<U>[]
    : T extends object
      ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: AsJson<T[K]> }
      : T;

/** What a route handler's answer is on the wire. */
type Sent<F extends (...args: never[]) => unknown> = AsJson<Awaited<ReturnType<F>>>;

/** Each function compiles only if the server's answer fits the page's type. */
export const pageWireTypes = {
  studioBots: (sent: Sent<AdminController['bots']>): { items: { id: string; version: number }[] } => sent,
  studioBotView: (sent: Sent<StudioService['botView']>): Studio.BotView => sent,
  studioConversation: (sent: Sent<StudioApiController['conversation']>): Studio.ConversationPage => sent,
  studioConversationList: (sent: Sent<StudioApiController['list']>): { items: Studio.ConversationRow[]; next: string | null } => sent,
  chatSession: (sent: Sent<WebchatController['session']>): Chat.Session => sent,
  chatSend: (sent: AsJson<WebchatResponse>): Chat.SendResponse => sent,
  chatHistory: (sent: Sent<WebchatController['history']>): Chat.History => sent,
};
