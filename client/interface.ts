// The backend adapter interface the Konvert frontend codes against (the seed's ten modules).
// Record shapes come from the generated PocketBase types, so a schema change that breaks the
// frontend breaks this file's type check first.
import type {
  AchievementsResponse,
  MessagesResponse,
  MessagesTypeOptions,
  NotificationsResponse,
  FriendRequestsResponse,
  RoomsResponse,
  UserAchievementsResponse,
  UsersResponse,
  UsersRoleOptions,
} from "../types/pocketbase-types.ts";

export type User = UsersResponse;
export type Room = RoomsResponse;
export type Message = MessagesResponse;
export type MessageType = MessagesTypeOptions;
export type Role = UsersRoleOptions;
export type RoomType = "public" | "private";

export interface AuthSession {
  token: string;
  user: User;
}

export type { RoomSummary } from "../hooks-src/konvert/rules/room-summary.ts";
import type { RoomSummary } from "../hooks-src/konvert/rules/room-summary.ts";

/** Public profile of a DM peer. */
export interface Peer {
  id: string;
  username: string;
  displayName: string;
  avatar: string;
  lastActiveAt: string;
  deleted?: boolean;
}

export interface DirectMessageSummary extends RoomSummary {
  peer: Peer | null;
}

export interface RoomKey {
  /** The caller's room key wrapped with their public key; null when none was shared yet. */
  encryptedKey: string | null;
  /** The room key version the wrapped key belongs to. */
  keyVersion: number;
  /** The room's current key version; when it is ahead of keyVersion, ask for a new key. */
  roomKeyVersion: number;
}

export interface Friends {
  friends: User[];
  incoming: FriendRequestsResponse[];
  outgoing: FriendRequestsResponse[];
}

export interface AchievementProgress {
  achievement: AchievementsResponse;
  progress: UserAchievementsResponse | null;
}

/** Profile fields a user may change about themselves. */
export type ProfileUpdate = Partial<
  Pick<User, "displayName" | "gender" | "age" | "interests" | "privacy" | "timezone">
>;

export interface RoomEvent {
  action: "create" | "update" | "delete" | "typing" | "reaction";
  message?: Message;
  /** reaction events: the message whose reactions changed. */
  messageId?: string;
  /** typing and reaction events: who. */
  userId?: string;
}

export type Unsubscribe = () => Promise<void>;

export interface AuthApi {
  signup(email: string, password: string, username: string): Promise<AuthSession>;
  signin(emailOrUsername: string, password: string): Promise<AuthSession>;
  signout(): Promise<void>;
  getMe(): Promise<User | null>;
  refreshToken(): Promise<AuthSession>;
}

export interface UsersApi {
  searchUsers(query: string): Promise<User[]>;
  getUserById(id: string): Promise<User>;
  updateUserProfile(updates: ProfileUpdate): Promise<User>;
  updateUserRole(id: string, role: Role): Promise<User>;
  banUser(id: string, hours?: number): Promise<void>;
  unbanUser(id: string): Promise<void>;
  muteUser(id: string, hours: number): Promise<void>;
  unmuteUser(id: string): Promise<void>;
  blockUser(id: string): Promise<void>;
  unblockUser(id: string): Promise<void>;
  uploadAvatar(file: Blob): Promise<User>;
}

export interface RoomsApi {
  /** The caller's rooms (DMs excluded), plus public rooms not joined yet (isMember false). */
  getRooms(): Promise<RoomSummary[]>;
  createRoom(name: string, type: RoomType, memberIds?: string[]): Promise<Room>;
  joinRoom(id: string): Promise<void>;
  leaveRoom(id: string): Promise<void>;
  inviteToRoom(id: string, userId: string): Promise<void>;
  deleteRoom(id: string): Promise<void>;
  pinMessage(roomId: string, messageId: string): Promise<void>;
  unpinMessage(roomId: string): Promise<void>;
  markAsRead(roomId: string, clearMentions?: boolean, clearReactions?: boolean): Promise<void>;
  /** Owner, room admins (plain members only), moderators and admins remove someone. */
  removeFromRoom(id: string, userId: string): Promise<void>;
  /** The caller's favorites room, created on first use. */
  getFavorites(): Promise<RoomSummary>;
  /** Hides a DM for the caller until its next message. */
  hideDirectMessage(id: string): Promise<void>;
}

export interface MessagesApi {
  getMessages(roomId: string, limit?: number, before?: string): Promise<Message[]>;
  sendMessage(
    roomId: string,
    content: string,
    type?: MessageType,
    replyTo?: string,
  ): Promise<Message>;
  editMessage(id: string, content: string): Promise<Message>;
  deleteMessage(id: string): Promise<void>;
  addReaction(id: string, emoji: string): Promise<void>;
  removeReaction(id: string, emoji: string): Promise<void>;
  forwardMessage(id: string, targetRoomId: string): Promise<Message>;
  searchMessages(query: string): Promise<Message[]>;
  /** Tells the room's members the caller is typing (the server passes on one ping per 2 s). */
  sendTyping(roomId: string): Promise<void>;
}

export interface DirectMessagesApi {
  getDirectMessages(): Promise<DirectMessageSummary[]>;
  createDirectMessage(userId: string): Promise<DirectMessageSummary>;
  getDMMessages(dmId: string, limit?: number, before?: string): Promise<Message[]>;
  sendDMMessage(dmId: string, content: string, type?: MessageType): Promise<Message>;
}

export interface FriendsApi {
  getFriends(): Promise<Friends>;
  sendFriendRequest(userId: string): Promise<void>;
  acceptFriendRequest(requestId: string): Promise<void>;
  rejectFriendRequest(requestId: string): Promise<void>;
  removeFriend(userId: string): Promise<void>;
}

export interface E2eeApi {
  updatePublicKey(publicKey: string): Promise<void>;
  /** The caller's wrapped key for the room, or null when none was shared with them yet. */
  getRoomKey(roomId: string): Promise<RoomKey>;
  /** Wrapped room keys by member id. */
  saveRoomKeys(roomId: string, encryptedKeys: Record<string, string>): Promise<void>;
}

export interface AchievementsApi {
  getAchievements(userId?: string): Promise<AchievementProgress[]>;
  unlockAchievement(achievementId: string): Promise<void>;
}

export interface RealtimeApi {
  subscribeToRoom(roomId: string, callback: (event: RoomEvent) => void): Promise<Unsubscribe>;
  subscribeToUserStatus(userId: string, callback: (user: User) => void): Promise<Unsubscribe>;
  subscribeToRoomUpdates(
    callback: (room: RoomSummary | { id: string }, action: "upsert" | "remove") => void,
  ): Promise<Unsubscribe>;
  /** The caller's notifications as they come, are read or go (mentions, friends, achievements). */
  subscribeToNotifications(
    callback: (action: "create" | "update" | "delete", notification: NotificationsResponse) => void,
  ): Promise<Unsubscribe>;
  /** Called when the caller's friends or friend requests change (then read them with getFriends). */
  subscribeToFriends(callback: () => void): Promise<Unsubscribe>;
}

/**
 * The caller's files. A path is `<id>/<name>` as uploadFile returned it (the server picks it; a
 * `path` given to uploadFile only names a nameless Blob). URLs are public and never expire.
 */
export interface StorageApi {
  uploadFile(file: Blob, path?: string): Promise<{ path: string; url: string }>;
  /** Someone else's file, or one already gone, is a 404. */
  deleteFile(path: string): Promise<void>;
  getFileUrl(path: string): string;
}

/** Everything the frontend needs from a backend. */
export interface Backend {
  auth: AuthApi;
  users: UsersApi;
  rooms: RoomsApi;
  messages: MessagesApi;
  directMessages: DirectMessagesApi;
  friends: FriendsApi;
  e2ee: E2eeApi;
  achievements: AchievementsApi;
  realtime: RealtimeApi;
  storage: StorageApi;
  notifications?: NotificationsApi;
  polls?: PollsApi;
}

export interface NotificationsApi {
  list(): Promise<NotificationsResponse[]>;
  markRead(id: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/** A message found by searchMessages: the record plus the matching passage, matches flagged. */
export interface SearchHit extends Message {
  snippet: { text: string; match: boolean }[];
}

export interface SearchPage {
  page: number;
  perPage: number;
  hasMore: boolean;
  items: SearchHit[];
}

export type { PollResults } from "../hooks-src/konvert/rules/polls.ts";
import type { PollResults } from "../hooks-src/konvert/rules/polls.ts";

/** Polls are created by sending a message of type 'poll' with a `poll` object. */
export interface PollsApi {
  getPoll(pollId: string): Promise<PollResults>;
  /** Votes, or replaces the caller's vote: one option index, several for multiple choice. */
  vote(pollId: string, options: number[]): Promise<PollResults>;
  retractVote(pollId: string): Promise<PollResults>;
  /** Fresh results whenever anyone votes (the event carries no votes; results are refetched). */
  subscribeToPoll(pollId: string, callback: (results: PollResults) => void): Promise<Unsubscribe>;
}
