/**
 * The JSON the web chat page reads from the server: the channel route's replies, the history and the live stream's
 * messages. Type-checked against what the server sends by `test/contracts/page-wire-types.ts`.
 */
export interface Message {
  messageId: string;
  from: 'bot' | 'user';
  text: string;
  choices?: string[];
  /** The transcript line (history only): where the next history request starts. */
  seq?: number;
}

/** `POST /webchat/:botId/session`. */
export interface Session {
  token: string;
}

/** `POST /channels/webchat/:botId`. */
export interface SendResponse {
  replies: Message[];
}

/** `GET /webchat/:botId/history`. */
export interface History {
  messages: Message[];
}
