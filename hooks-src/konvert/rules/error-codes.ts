// The stable codes every action error carries. Clients branch on the code, never on the text:
// the typed API answers `{status, message, code, data: {<field>: {code, message}}}`, the legacy
// API turns the code into the original app's Russian text (rules/compat-errors.ts). Rewording a
// message here changes nothing a client depends on; renaming a code is a breaking change.

interface Entry {
  readonly status: number;
  /** The request field the error is about ("" when it is about the caller or the resource). */
  readonly field: string;
  /** The default English message (actions may give a more precise one for the same code). */
  readonly message: string;
}

const e = (status: number, field: string, message: string): Entry => ({ status, field, message });

export const ERRORS = {
  // the caller
  "auth.required": e(401, "", "Sign in to continue."),
  "user.not_found": e(404, "", "User not found."),
  "user.banned": e(403, "", "While banned you can only use the jail room."),
  "user.muted": e(403, "", "You are muted."),
  "account.deleted": e(403, "", "This account was deleted."),
  // generic input problems (the message names the problem; the field is the one sent)
  "input.invalid": e(400, "body", "The request is not valid."),
  "input.required": e(400, "body", "A required field is missing."),
  "superuser.required": e(403, "", "Only superusers may do this."),
  "route.not_found": e(404, "", "The requested resource wasn't found."),
  // rooms
  "room.not_found": e(404, "", "Room not found."),
  "room.not_member": e(403, "", "You are not a member of this room."),
  "room.muted": e(403, "", "You are muted in this room."),
  "room.create.banned": e(403, "", "Banned users cannot create rooms."),
  "room.create.type": e(
    400,
    "type",
    "Room type must be 'public' or 'private'; direct messages and favorites have their own actions.",
  ),
  "room.create.public_admin_only": e(400, "type", "Only admins can create public rooms."),
  "room.name.required": e(400, "name", "Room name is required."),
  "room.name.too_long": e(400, "name", "Room name is too long."),
  "room.members.invalid": e(400, "memberIds", "Members must be given as a list of user ids."),
  "room.members.blocked": e(400, "memberIds", "You cannot invite this user."),
  "room.join.private": e(
    400,
    "room",
    "Only public rooms can be joined; private rooms need an invitation from a member.",
  ),
  "room.invite.not_shared": e(400, "userId", "Nobody can be invited into this room."),
  "room.invite.self": e(400, "userId", "You cannot invite yourself."),
  "room.invite.not_member": e(403, "", "You are not a member of this room."),
  "room.invite.blocked": e(403, "userId", "You cannot invite this user."),
  "room.invite.already_member": e(409, "userId", "This user is already a member."),
  "room.leave.favorites": e(400, "room", "Favorites cannot be left."),
  "room.leave.dm": e(400, "room", "Hide a direct conversation instead of leaving it."),
  "room.leave.jail": e(400, "room", "The jail room cannot be left while banned."),
  "room.remove.not_member": e(400, "userId", "This user is not a member of the room."),
  "room.remove.self": e(400, "userId", "Use leave to remove yourself."),
  "room.remove.owner": e(403, "userId", "The room owner cannot be removed."),
  "room.remove.forbidden": e(
    403,
    "",
    "Only the room owner, room admins, moderators and admins can remove members.",
  ),
  "room.delete.system": e(403, "", "This room cannot be deleted."),
  "room.delete.forbidden": e(
    403,
    "",
    "Only the room owner, moderators and admins can delete a room.",
  ),
  "room.pin.not_member": e(403, "", "Only members can pin messages in this room."),
  "room.pin.forbidden": e(
    403,
    "",
    "Only the room owner, VIPs, moderators and admins can pin messages.",
  ),
  "room.pin.not_in_room": e(400, "messageId", "The message is not in this room."),
  "room.unpin.nothing_pinned": e(400, "messageId", "Nothing is pinned in this room."),
  "room.unpin.not_pinned": e(400, "messageId", "This message is not pinned."),
  // messages
  "message.not_found": e(404, "", "Message not found."),
  "message.content.empty": e(400, "content", "A message cannot be empty."),
  "message.content.invalid": e(400, "content", "Message content must be text."),
  "message.invalid": e(400, "body", "The message is not valid."),
  "message.reply.other_room": e(
    400,
    "replyTo",
    "You can only reply to a message of the same room.",
  ),
  "message.edit.not_author": e(403, "", "Only the author can edit a message."),
  "message.edit.poll": e(400, "content", "Polls cannot be edited."),
  "message.delete.forbidden": e(
    403,
    "",
    "Only the author, the room owner, moderators and admins can delete this message.",
  ),
  "message.forward.poll": e(400, "id", "Polls cannot be forwarded."),
  "message.cursor.invalid": e(400, "before", "The cursor message is not in this room."),
  "reaction.emoji.invalid": e(400, "emoji", "Reactions must be a single emoji."),
  // direct messages
  "dm.blocked": e(403, "", "You cannot write to this user."),
  "dm.open.self": e(400, "userId", "You cannot start a conversation with yourself."),
  "dm.open.forbidden": e(403, "", "You cannot start a conversation with this user."),
  "dm.hide.not_yours": e(400, "id", "This is not one of your conversations."),
  // polls
  "poll.not_found": e(404, "", "Poll not found."),
  "poll.closed": e(400, "poll", "This poll is closed."),
  "poll.option.invalid": e(400, "options", "There is no such option."),
  "poll.invalid": e(400, "poll", "The poll is not valid."),
  // people
  "friend.self": e(400, "userId", "You cannot send a friend request to yourself."),
  "friend.forbidden": e(403, "", "You cannot send a friend request to this user."),
  "friend.blocked": e(403, "", "You cannot become friends with this user."),
  "friend.already": e(400, "userId", "You are already friends."),
  "friend.request.pending": e(
    400,
    "userId",
    "You have already sent a friend request to this user.",
  ),
  "friend.request.not_found": e(404, "", "Friend request not found."),
  "friend.request.not_recipient": e(403, "", "Only the recipient can answer this request."),
  "friend.request.handled": e(400, "id", "This request was already handled."),
  "friend.not_friends": e(400, "id", "You are not friends with this user."),
  "notification.not_found": e(404, "", "Notification not found."),
  "block.self": e(400, "id", "You cannot block yourself."),
  "block.already": e(400, "id", "You have already blocked this user."),
  "block.not_blocked": e(400, "id", "This user is not blocked."),
  // moderation and accounts
  "moderation.banned": e(403, "", "While banned you cannot moderate."),
  "moderation.staff_only": e(403, "", "Only moderators and admins can do this."),
  "moderation.admin_only": e(403, "", "Only admins can change roles."),
  "moderation.self": e(403, "", "You cannot moderate yourself."),
  "moderation.admin_target": e(403, "", "Moderators cannot moderate admins."),
  "moderation.vip": e(403, "", "VIP users cannot be banned."),
  "moderation.not_banned": e(400, "id", "This user is not banned."),
  "moderation.not_muted": e(400, "id", "This user is not muted."),
  "moderation.hours.invalid": e(400, "hours", "The duration must be a whole number of hours."),
  "moderation.reason.invalid": e(400, "reason", "Reason must be text."),
  "moderation.role.invalid": e(400, "role", "Role must be one of: user, vip, moderator, admin."),
  "moderation.last_admin": e(400, "role", "The last admin cannot be demoted or deleted."),
  "account.delete.admin_only": e(403, "", "Only admins can delete accounts."),
  "account.delete.last_admin": e(403, "", "The last admin cannot be demoted or deleted."),
  "account.already_deleted": e(400, "id", "This account is already deleted."),
  "account.password.incorrect": e(400, "password", "The password is incorrect."),
  "account.email.invalid": e(400, "newEmail", "Enter a valid e-mail address."),
  "account.email.taken": e(400, "newEmail", "This e-mail address is already in use."),
  "profile.invalid": e(400, "body", "The profile is not valid."),
  "profile.avatar.invalid": e(
    400,
    "avatar",
    "The avatar must be a JPEG, PNG, WebP or GIF image of at most 5 MB.",
  ),
  // achievements
  "achievement.not_found": e(404, "", "Achievement not found."),
  "achievement.not_claimable": e(
    403,
    "",
    "This achievement is awarded by the server and cannot be claimed.",
  ),
  // end-to-end encryption material
  "e2ee.public_key.required": e(400, "publicKey", "A public key is required."),
  "e2ee.public_key.invalid": e(400, "publicKey", "The public key must be base64, PEM or JWK text."),
  "e2ee.keys.invalid": e(400, "encryptedKeys", "Wrapped keys must map member ids to keys."),
  "e2ee.keys.empty": e(400, "encryptedKeys", "No wrapped keys were given."),
  "e2ee.keys.not_member": e(400, "encryptedKeys", "A key is for someone who is not a member."),
  "e2ee.keys.forbidden": e(
    403,
    "",
    "Only the room owner, moderators and admins can distribute room keys.",
  ),
  // sign-up
  "signup.username.required": e(400, "username", "Username is required."),
  "signup.username.length": e(400, "username", "Username must be 3–32 characters long."),
  "signup.username.chars": e(
    400,
    "username",
    "Username may contain only Latin letters, digits, '_' and '-'.",
  ),
  "signup.username.taken": e(400, "username", "This username is already taken."),
  "signup.password.required": e(400, "password", "Password is required."),
  "signup.password.short": e(400, "password", "Password must be at least 8 characters long."),
} as const satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** A refusal decided by a rule: its code, and the message when more precise than the default. */
export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  /** The request field, when it is not the code's usual one. */
  readonly field?: string;
}

export function problem(code: ErrorCode, message?: string, field?: string): Problem {
  const p = { code, message: message ?? ERRORS[code].message };
  return field === undefined ? p : { ...p, field };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERRORS, value);
}
