/**
 * Conversations persisted per workspace (VS Code's workspace state), so they survive a window reload.
 */
import type { Conversation } from "../../../server/src/shared/chatProtocol";

/** The part of vscode.Memento the store needs (tests pass a Map-backed one). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = "hearth.chat.conversations";
/** Oldest conversations beyond this are dropped, so the workspace state stays small. */
const MAX_CONVERSATIONS = 50;

export class ChatHistoryStore {
  constructor(private readonly storage: KeyValueStore) {}

  all(): Conversation[] {
    return this.storage.get<Conversation[]>(KEY) ?? [];
  }

  /** The most recently created conversation, if any. */
  latest(): Conversation | undefined {
    return this.all().reduce<Conversation | undefined>(
      (best, c) => (best === undefined || c.createdAt > best.createdAt ? c : best),
      undefined,
    );
  }

  get(id: string): Conversation | undefined {
    return this.all().find((conversation) => conversation.id === id);
  }

  async save(conversation: Conversation): Promise<void> {
    if (conversation.turns.length === 0) return; // an empty chat is not worth a history entry
    const others = this.all().filter((c) => c.id !== conversation.id);
    const kept = [...others, structuredClone(conversation)].sort((a, b) => a.createdAt - b.createdAt).slice(-MAX_CONVERSATIONS);
    await this.storage.update(KEY, kept);
  }

  async clear(): Promise<void> {
    await this.storage.update(KEY, []);
  }
}
