// The hooks library: everything main.pb.ts's one-line handlers require from `${__hooks}/konvert.js`.
export * as users from "./jsvm/users.ts";
export * as rooms from "./jsvm/rooms.ts";
export * as importer from "./jsvm/import.ts";
export * as profiles from "./jsvm/profiles.ts";
export * as presence from "./jsvm/presence.ts";
export * as moderation from "./jsvm/moderation.ts";
export * as friends from "./jsvm/friends.ts";
export * as blocks from "./jsvm/blocks.ts";
export * as account from "./jsvm/account.ts";
export * as search from "./jsvm/search.ts";
export * as polls from "./jsvm/polls.ts";
export * as achievements from "./jsvm/achievements/routes.ts";
// Legacy HTTP API of the original frontend (issue #9)
export * as compatAuth from "./compat/auth.ts";
export * as compatRooms from "./compat/rooms.ts";
export * as compatMessages from "./compat/messages.ts";
export * as compatDms from "./compat/dms.ts";
export * as compatUsers from "./compat/users.ts";
export * as compatPeople from "./compat/people.ts";
export * as compatPolls from "./compat/polls.ts";
export * as compatStorage from "./compat/storage.ts";
export * as compatProfile from "./compat/profile.ts";
export * as compatModeration from "./compat/moderation.ts";
