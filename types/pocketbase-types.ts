/**
* This file was @generated using pocketbase-typegen
*/

import type PocketBase from 'pocketbase'
import type { RecordService } from 'pocketbase'

export const Collections = {
	Authorigins: "_authOrigins",
	Externalauths: "_externalAuths",
	Mfas: "_mfas",
	Otps: "_otps",
	Superusers: "_superusers",
	Achievements: "achievements",
	Blocks: "blocks",
	CompatRefreshTokens: "compat_refresh_tokens",
	CompatUploads: "compat_uploads",
	FriendRequests: "friend_requests",
	Friendships: "friendships",
	KvLegacy: "kv_legacy",
	Mentions: "mentions",
	Messages: "messages",
	ModerationLog: "moderation_log",
	Notifications: "notifications",
	Pins: "pins",
	PollVotes: "poll_votes",
	Polls: "polls",
	Reactions: "reactions",
	RoomMembers: "room_members",
	Rooms: "rooms",
	UserAchievements: "user_achievements",
	UserStats: "user_stats",
	Users: "users",
} as const
export type Collections = typeof Collections[keyof typeof Collections]

// Alias types for improved usability
export type IsoDateString = string
export type IsoAutoDateString = string & { readonly autodate: unique symbol }
export type RecordIdString = string
export type FileNameString = string & { readonly filename: unique symbol }
export type HTMLString = string

type ExpandType<T> = unknown extends T
	? T extends unknown
		? { expand?: unknown }
		: { expand: T }
	: { expand: T }

// System fields
export type BaseSystemFields<T = unknown> = {
	id: RecordIdString
	collectionId: string
	collectionName: Collections
} & ExpandType<T>

export type AuthSystemFields<T = unknown> = {
	email: string
	emailVisibility: boolean
	username: string
	verified: boolean
} & BaseSystemFields<T>

// Record types for each collection

export type AuthoriginsRecord = {
	collectionRef: string
	created: IsoAutoDateString
	fingerprint: string
	id: string
	recordRef: string
	updated: IsoAutoDateString
}

export type ExternalauthsRecord = {
	collectionRef: string
	created: IsoAutoDateString
	id: string
	provider: string
	providerId: string
	recordRef: string
	updated: IsoAutoDateString
}

export type MfasRecord = {
	collectionRef: string
	created: IsoAutoDateString
	id: string
	method: string
	recordRef: string
	updated: IsoAutoDateString
}

export type OtpsRecord = {
	collectionRef: string
	created: IsoAutoDateString
	id: string
	password: string
	recordRef: string
	sentTo?: string
	updated: IsoAutoDateString
}

export type SuperusersRecord = {
	created: IsoAutoDateString
	email: string
	emailVisibility?: boolean
	id: string
	password: string
	tokenKey: string
	updated: IsoAutoDateString
	verified?: boolean
}

export const AchievementsCategoryOptions = {
	"basics": "basics",
	"social": "social",
	"master": "master",
	"media": "media",
	"secret": "secret",
	"challenges": "challenges",
} as const
export type AchievementsCategoryOptions = typeof AchievementsCategoryOptions[keyof typeof AchievementsCategoryOptions]

export const AchievementsRarityOptions = {
	"common": "common",
	"rare": "rare",
	"epic": "epic",
	"legendary": "legendary",
} as const
export type AchievementsRarityOptions = typeof AchievementsRarityOptions[keyof typeof AchievementsRarityOptions]
export type AchievementsRecord = {
	category?: AchievementsCategoryOptions
	clientClaimable?: boolean
	created: IsoAutoDateString
	description?: string
	icon?: string
	id: string
	key: string
	maxProgress?: number
	rarity?: AchievementsRarityOptions
	secret?: boolean
	sortOrder?: number
	title?: string
	updated: IsoAutoDateString
}

export type BlocksRecord = {
	blocked: RecordIdString
	blocker: RecordIdString
	created: IsoAutoDateString
	id: string
	updated: IsoAutoDateString
}

export type CompatRefreshTokensRecord = {
	created: IsoAutoDateString
	expiresAt: IsoDateString
	id: string
	tokenHash: string
	updated: IsoAutoDateString
	user: RecordIdString
}

export type CompatUploadsRecord = {
	created: IsoAutoDateString
	file: FileNameString
	id: string
	owner: RecordIdString
	updated: IsoAutoDateString
}

export const FriendRequestsStatusOptions = {
	"pending": "pending",
	"accepted": "accepted",
	"rejected": "rejected",
	"cancelled": "cancelled",
} as const
export type FriendRequestsStatusOptions = typeof FriendRequestsStatusOptions[keyof typeof FriendRequestsStatusOptions]
export type FriendRequestsRecord = {
	created: IsoAutoDateString
	from: RecordIdString
	id: string
	pairKey: string
	status: FriendRequestsStatusOptions
	to: RecordIdString
	updated: IsoAutoDateString
}

export type FriendshipsRecord = {
	created: IsoAutoDateString
	id: string
	updated: IsoAutoDateString
	userA: RecordIdString
	userB: RecordIdString
}

export type KvLegacyRecord<Tvalue = unknown> = {
	created: IsoAutoDateString
	id: string
	key: string
	reason?: string
	updated: IsoAutoDateString
	value?: null | Tvalue
}

export type MentionsRecord = {
	created: IsoAutoDateString
	id: string
	message: RecordIdString
	room: RecordIdString
	updated: IsoAutoDateString
	user: RecordIdString
}

export const MessagesTypeOptions = {
	"text": "text",
	"image": "image",
	"audio": "audio",
	"voice": "voice",
	"video": "video",
	"file": "file",
	"poll": "poll",
	"system": "system",
} as const
export type MessagesTypeOptions = typeof MessagesTypeOptions[keyof typeof MessagesTypeOptions]
export type MessagesRecord = {
	attachments?: FileNameString[]
	author?: RecordIdString
	content?: string
	created: IsoAutoDateString
	deletedAt?: IsoDateString
	editedAt?: IsoDateString
	forwardedFrom?: RecordIdString
	id: string
	legacyId?: string
	replyTo?: RecordIdString
	room: RecordIdString
	seq?: number
	type: MessagesTypeOptions
	updated: IsoAutoDateString
}

export const ModerationLogActionOptions = {
	"ban": "ban",
	"unban": "unban",
	"mute": "mute",
	"unmute": "unmute",
	"role_change": "role_change",
	"delete_message": "delete_message",
	"delete_room": "delete_room",
	"delete_user": "delete_user",
	"pin": "pin",
	"unpin": "unpin",
	"room_read": "room_read",
} as const
export type ModerationLogActionOptions = typeof ModerationLogActionOptions[keyof typeof ModerationLogActionOptions]
export type ModerationLogRecord<Tdata = unknown> = {
	action: ModerationLogActionOptions
	actor?: RecordIdString
	created: IsoAutoDateString
	data?: null | Tdata
	id: string
	reason?: string
	room?: RecordIdString
	target?: RecordIdString
	until?: IsoDateString
	updated: IsoAutoDateString
}

export const NotificationsTypeOptions = {
	"friend_request": "friend_request",
	"friend_accepted": "friend_accepted",
	"mention": "mention",
	"reaction": "reaction",
	"room_invite": "room_invite",
	"achievement": "achievement",
	"admin_call": "admin_call",
	"moderator_call": "moderator_call",
	"system": "system",
} as const
export type NotificationsTypeOptions = typeof NotificationsTypeOptions[keyof typeof NotificationsTypeOptions]
export type NotificationsRecord<Tdata = unknown> = {
	actor?: RecordIdString
	created: IsoAutoDateString
	data?: null | Tdata
	id: string
	legacyId?: string
	message?: RecordIdString
	readAt?: IsoDateString
	recipient: RecordIdString
	room?: RecordIdString
	type: NotificationsTypeOptions
	updated: IsoAutoDateString
}

export type PinsRecord = {
	created: IsoAutoDateString
	id: string
	message: RecordIdString
	pinnedBy?: RecordIdString
	room: RecordIdString
	updated: IsoAutoDateString
}

export type PollVotesRecord = {
	created: IsoAutoDateString
	id: string
	option?: number
	poll: RecordIdString
	updated: IsoAutoDateString
	user: RecordIdString
}

export type PollsRecord<Toptions = unknown> = {
	anonymous?: boolean
	closedAt?: IsoDateString
	created: IsoAutoDateString
	createdBy?: RecordIdString
	id: string
	message: RecordIdString
	multiple?: boolean
	options?: null | Toptions
	question: string
	room: RecordIdString
	updated: IsoAutoDateString
}

export type ReactionsRecord = {
	created: IsoAutoDateString
	emoji: string
	id: string
	message: RecordIdString
	messageAuthor?: RecordIdString
	room: RecordIdString
	updated: IsoAutoDateString
	user: RecordIdString
}

export const RoomMembersRoleOptions = {
	"owner": "owner",
	"admin": "admin",
	"member": "member",
} as const
export type RoomMembersRoleOptions = typeof RoomMembersRoleOptions[keyof typeof RoomMembersRoleOptions]
export type RoomMembersRecord = {
	created: IsoAutoDateString
	encryptedKey?: string
	hidden?: boolean
	id: string
	keyVersion?: number
	lastReadAt?: IsoDateString
	mentionsReadAt?: IsoDateString
	mutedUntil?: IsoDateString
	reactionsReadAt?: IsoDateString
	readSeq?: number
	role: RoomMembersRoleOptions
	room: RecordIdString
	updated: IsoAutoDateString
	user: RecordIdString
}

export const RoomsTypeOptions = {
	"public": "public",
	"private": "private",
	"dm": "dm",
	"favorites": "favorites",
} as const
export type RoomsTypeOptions = typeof RoomsTypeOptions[keyof typeof RoomsTypeOptions]

export const RoomsSystemOptions = {
	"jail": "jail",
} as const
export type RoomsSystemOptions = typeof RoomsSystemOptions[keyof typeof RoomsSystemOptions]
export type RoomsRecord = {
	created: IsoAutoDateString
	createdBy?: RecordIdString
	deletedAt?: IsoDateString
	dmKey?: string
	id: string
	keyVersion?: number
	lastMessage?: RecordIdString
	lastMessageAt?: IsoDateString
	legacyId?: string
	name?: string
	pinnedMessage?: RecordIdString
	system?: RoomsSystemOptions
	type: RoomsTypeOptions
	updated: IsoAutoDateString
}

export type UserAchievementsRecord = {
	achievement: RecordIdString
	created: IsoAutoDateString
	id: string
	progress?: number
	unlockedAt?: IsoDateString
	updated: IsoAutoDateString
	user: RecordIdString
}

export type UserStatsRecord<Tcounters = unknown> = {
	counters?: null | Tcounters
	created: IsoAutoDateString
	currentStreak?: number
	id: string
	lastActiveDay?: string
	longestStreak?: number
	messagesSent?: number
	reactionsGiven?: number
	reactionsReceived?: number
	rev?: string
	silentReads?: number
	updated: IsoAutoDateString
	user: RecordIdString
}

export const UsersRoleOptions = {
	"admin": "admin",
	"moderator": "moderator",
	"vip": "vip",
	"user": "user",
} as const
export type UsersRoleOptions = typeof UsersRoleOptions[keyof typeof UsersRoleOptions]

export const UsersStatusOptions = {
	"online": "online",
	"offline": "offline",
} as const
export type UsersStatusOptions = typeof UsersStatusOptions[keyof typeof UsersStatusOptions]
export type UsersRecord<Tprivacy = unknown> = {
	age?: number
	avatar?: FileNameString
	banReason?: string
	bannedUntil?: IsoDateString
	created: IsoAutoDateString
	deletedAt?: IsoDateString
	displayName?: string
	email: string
	emailVisibility?: boolean
	gender?: string
	id: string
	interests?: string
	lastActiveAt?: IsoDateString
	legacyId?: string
	mutedUntil?: IsoDateString
	password: string
	privacy?: null | Tprivacy
	publicKey?: string
	role?: UsersRoleOptions
	searchText?: string
	status?: UsersStatusOptions
	timezone?: string
	tokenKey: string
	updated: IsoAutoDateString
	username: string
	verified?: boolean
}

// Response types include system fields and match responses from the PocketBase API
export type AuthoriginsResponse<Texpand = unknown> = Required<AuthoriginsRecord> & BaseSystemFields<Texpand>
export type ExternalauthsResponse<Texpand = unknown> = Required<ExternalauthsRecord> & BaseSystemFields<Texpand>
export type MfasResponse<Texpand = unknown> = Required<MfasRecord> & BaseSystemFields<Texpand>
export type OtpsResponse<Texpand = unknown> = Required<OtpsRecord> & BaseSystemFields<Texpand>
export type SuperusersResponse<Texpand = unknown> = Required<SuperusersRecord> & AuthSystemFields<Texpand>
export type AchievementsResponse<Texpand = unknown> = Required<AchievementsRecord> & BaseSystemFields<Texpand>
export type BlocksResponse<Texpand = unknown> = Required<BlocksRecord> & BaseSystemFields<Texpand>
export type CompatRefreshTokensResponse<Texpand = unknown> = Required<CompatRefreshTokensRecord> & BaseSystemFields<Texpand>
export type CompatUploadsResponse<Texpand = unknown> = Required<CompatUploadsRecord> & BaseSystemFields<Texpand>
export type FriendRequestsResponse<Texpand = unknown> = Required<FriendRequestsRecord> & BaseSystemFields<Texpand>
export type FriendshipsResponse<Texpand = unknown> = Required<FriendshipsRecord> & BaseSystemFields<Texpand>
export type KvLegacyResponse<Tvalue = unknown, Texpand = unknown> = Required<KvLegacyRecord<Tvalue>> & BaseSystemFields<Texpand>
export type MentionsResponse<Texpand = unknown> = Required<MentionsRecord> & BaseSystemFields<Texpand>
export type MessagesResponse<Texpand = unknown> = Required<MessagesRecord> & BaseSystemFields<Texpand>
export type ModerationLogResponse<Tdata = unknown, Texpand = unknown> = Required<ModerationLogRecord<Tdata>> & BaseSystemFields<Texpand>
export type NotificationsResponse<Tdata = unknown, Texpand = unknown> = Required<NotificationsRecord<Tdata>> & BaseSystemFields<Texpand>
export type PinsResponse<Texpand = unknown> = Required<PinsRecord> & BaseSystemFields<Texpand>
export type PollVotesResponse<Texpand = unknown> = Required<PollVotesRecord> & BaseSystemFields<Texpand>
export type PollsResponse<Toptions = unknown, Texpand = unknown> = Required<PollsRecord<Toptions>> & BaseSystemFields<Texpand>
export type ReactionsResponse<Texpand = unknown> = Required<ReactionsRecord> & BaseSystemFields<Texpand>
export type RoomMembersResponse<Texpand = unknown> = Required<RoomMembersRecord> & BaseSystemFields<Texpand>
export type RoomsResponse<Texpand = unknown> = Required<RoomsRecord> & BaseSystemFields<Texpand>
export type UserAchievementsResponse<Texpand = unknown> = Required<UserAchievementsRecord> & BaseSystemFields<Texpand>
export type UserStatsResponse<Tcounters = unknown, Texpand = unknown> = Required<UserStatsRecord<Tcounters>> & BaseSystemFields<Texpand>
export type UsersResponse<Tprivacy = unknown, Texpand = unknown> = Required<UsersRecord<Tprivacy>> & AuthSystemFields<Texpand>

// Types containing all Records and Responses, useful for creating typing helper functions

export type CollectionRecords = {
	_authOrigins: AuthoriginsRecord
	_externalAuths: ExternalauthsRecord
	_mfas: MfasRecord
	_otps: OtpsRecord
	_superusers: SuperusersRecord
	achievements: AchievementsRecord
	blocks: BlocksRecord
	compat_refresh_tokens: CompatRefreshTokensRecord
	compat_uploads: CompatUploadsRecord
	friend_requests: FriendRequestsRecord
	friendships: FriendshipsRecord
	kv_legacy: KvLegacyRecord
	mentions: MentionsRecord
	messages: MessagesRecord
	moderation_log: ModerationLogRecord
	notifications: NotificationsRecord
	pins: PinsRecord
	poll_votes: PollVotesRecord
	polls: PollsRecord
	reactions: ReactionsRecord
	room_members: RoomMembersRecord
	rooms: RoomsRecord
	user_achievements: UserAchievementsRecord
	user_stats: UserStatsRecord
	users: UsersRecord
}

export type CollectionResponses = {
	_authOrigins: AuthoriginsResponse
	_externalAuths: ExternalauthsResponse
	_mfas: MfasResponse
	_otps: OtpsResponse
	_superusers: SuperusersResponse
	achievements: AchievementsResponse
	blocks: BlocksResponse
	compat_refresh_tokens: CompatRefreshTokensResponse
	compat_uploads: CompatUploadsResponse
	friend_requests: FriendRequestsResponse
	friendships: FriendshipsResponse
	kv_legacy: KvLegacyResponse
	mentions: MentionsResponse
	messages: MessagesResponse
	moderation_log: ModerationLogResponse
	notifications: NotificationsResponse
	pins: PinsResponse
	poll_votes: PollVotesResponse
	polls: PollsResponse
	reactions: ReactionsResponse
	room_members: RoomMembersResponse
	rooms: RoomsResponse
	user_achievements: UserAchievementsResponse
	user_stats: UserStatsResponse
	users: UsersResponse
}

// Utility types for create/update operations

type ProcessCreateAndUpdateFields<T> = Omit<{
	// Omit AutoDate fields
	[K in keyof T as Extract<T[K], IsoAutoDateString> extends never ? K : never]: 
		// Convert FileNameString to File
		T[K] extends infer U ? 
			U extends (FileNameString | FileNameString[]) ? 
				U extends any[] ? File[] : File 
			: U
		: never
}, 'id'>

// Create type for Auth collections
export type CreateAuth<T> = {
	id?: RecordIdString
	email: string
	emailVisibility?: boolean
	password: string
	passwordConfirm: string
	verified?: boolean
} & ProcessCreateAndUpdateFields<T>

// Create type for Base collections
export type CreateBase<T> = {
	id?: RecordIdString
} & ProcessCreateAndUpdateFields<T>

// Update type for Auth collections
export type UpdateAuth<T> = Partial<
	Omit<ProcessCreateAndUpdateFields<T>, keyof AuthSystemFields>
> & {
	email?: string
	emailVisibility?: boolean
	oldPassword?: string
	password?: string
	passwordConfirm?: string
	verified?: boolean
}

// Update type for Base collections
export type UpdateBase<T> = Partial<
	Omit<ProcessCreateAndUpdateFields<T>, keyof BaseSystemFields>
>

// Get the correct create type for any collection
export type Create<T extends keyof CollectionResponses> =
	CollectionResponses[T] extends AuthSystemFields
		? CreateAuth<CollectionRecords[T]>
		: CreateBase<CollectionRecords[T]>

// Get the correct update type for any collection
export type Update<T extends keyof CollectionResponses> =
	CollectionResponses[T] extends AuthSystemFields
		? UpdateAuth<CollectionRecords[T]>
		: UpdateBase<CollectionRecords[T]>

// Type for usage with type asserted PocketBase instance
// https://github.com/pocketbase/js-sdk#specify-typescript-definitions

export type TypedPocketBase = {
	collection<T extends keyof CollectionResponses>(
		idOrName: T
	): RecordService<CollectionResponses[T]>
} & PocketBase
