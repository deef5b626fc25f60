// The legacy HTTP API answers errors as `{error: "<Russian text>"}` and the original frontend
// branches on substrings of those texts (spec §8 item 6). Actions throw stable codes
// (rules/error-codes.ts); this table, keyed by code, holds the text the original answered.
import type { ErrorCode } from "./error-codes.ts";

const NO_RIGHTS_TO_DELETE_ROOM = "Недостаточно прав для удаления комнаты";
const NO_RIGHTS_TO_PIN = "Недостаточно прав для закрепления";
const NO_RIGHTS = "Недостаточно прав";
const NOT_A_MEMBER = "Вы не являетесь участником комнаты";
const MUTED = "Вы в муте";
const KEYS_REQUIRED = "Зашифрованные ключи обязательны";

export const LEGACY_TEXTS = {
  "auth.required": "Требуется авторизация",
  "user.not_found": "Пользователь не найден",
  "user.banned": "Забаненные пользователи могут находиться только в Азкабане",
  "user.muted": MUTED,
  "account.deleted": "Аккаунт удалён",
  "input.invalid": "Некорректный запрос",
  "input.required": "Не заполнено обязательное поле",
  "superuser.required": "Недостаточно прав",
  "route.not_found": "Не найдено",
  "room.not_found": "Комната не найдена",
  "room.not_member": NOT_A_MEMBER,
  "room.muted": MUTED,
  "room.create.banned": "Вы заблокированы",
  "room.create.type": "Название и тип комнаты обязательны",
  "room.create.public_admin_only": "Только администратор может создавать публичные комнаты",
  "room.name.required": "Название и тип комнаты обязательны",
  "room.name.too_long": "Название комнаты слишком длинное",
  "room.members.invalid": "Некорректный список участников",
  "room.members.blocked": "Невозможно пригласить этого пользователя",
  "room.join.private": NOT_A_MEMBER,
  "room.invite.not_shared": 'Нельзя добавить пользователей в комнату "Избранное"',
  "room.invite.self": "Невозможно пригласить этого пользователя",
  "room.invite.not_member": "Вы не являетесь участником этой комнаты",
  "room.invite.blocked": "Невозможно пригласить этого пользователя",
  "room.invite.already_member": "Пользователь уже в комнате",
  "room.leave.favorites": "Нельзя покинуть Избранное",
  "room.leave.dm": "Нельзя покинуть личный чат",
  "room.leave.jail": "Забаненные пользователи не могут покинуть Азкабан",
  "room.remove.not_member": "Пользователь не является участником комнаты",
  "room.remove.self": "Нельзя удалить самого себя",
  "room.remove.owner": "Нельзя удалить владельца комнаты",
  "room.remove.forbidden": NO_RIGHTS,
  "room.delete.system": NO_RIGHTS_TO_DELETE_ROOM,
  "room.delete.forbidden": NO_RIGHTS_TO_DELETE_ROOM,
  "room.pin.not_member": NO_RIGHTS_TO_PIN,
  "room.pin.forbidden": NO_RIGHTS_TO_PIN,
  "room.pin.not_in_room": "Сообщение не найдено или удалено",
  "room.unpin.nothing_pinned": "Нет закреплённого сообщения",
  "room.unpin.not_pinned": "Сообщение не закреплено",
  "message.not_found": "Сообщение не найдено",
  "message.content.empty": "Контент сообщения не может быть пустым",
  "message.content.invalid": "Некорректный контент сообщения",
  "message.invalid": "Некорректное сообщение",
  "message.reply.other_room": "Можно ответить только на сообщение из этой же комнаты",
  "message.edit.not_author": "Только автор может редактировать сообщение",
  "message.edit.poll": "Опрос нельзя редактировать",
  "message.delete.forbidden": "Недостаточно прав для удаления",
  "message.forward.poll": "Опрос нельзя переслать",
  "message.cursor.invalid": "Сообщение не найдено",
  "reaction.emoji.invalid": "Эмодзи не указано",
  "dm.blocked": "Невозможно отправить сообщение этому пользователю",
  "dm.open.self": "Нельзя создать чат с самим собой",
  "dm.open.forbidden": "Невозможно создать чат с этим пользователем",
  "dm.hide.not_yours": "Чат не найден",
  "poll.not_found": "Опрос не найден",
  "poll.closed": "Опрос закрыт",
  "poll.option.invalid": "Недействительный вариант",
  "poll.invalid": "Неверный формат опроса",
  "friend.self": "Нельзя добавить самого себя в друзья",
  "friend.forbidden": "Невозможно добавить этого пользователя в друзья",
  "friend.blocked": "Невозможно добавить этого пользователя в друзья",
  "friend.already": "Пользователь уже в друзьях",
  "friend.request.pending": "Запрос уже отправлен",
  "friend.request.not_found": "Запрос не найден",
  "friend.request.not_recipient": "Нет доступа к этому запросу",
  "friend.request.handled": "Запрос уже обработан",
  "friend.not_friends": "Пользователь не в друзьях",
  "notification.not_found": "Уведомление не найдено",
  "block.self": "Нельзя заблокировать самого себя",
  "block.already": "Пользователь уже заблокирован",
  "block.not_blocked": "Пользователь не в списке заблокированных",
  "moderation.banned": NO_RIGHTS,
  "moderation.staff_only": NO_RIGHTS,
  "moderation.admin_only": "Только администратор может менять роли",
  "moderation.self": NO_RIGHTS,
  "moderation.admin_target": "Модераторы не могут банить администраторов",
  "moderation.vip": "VIP пользователи защищены от банов",
  "moderation.not_banned": "Пользователь не забанен",
  "moderation.not_muted": "Пользователь не в муте",
  "moderation.hours.invalid": "Некорректная длительность",
  "moderation.reason.invalid": "Некорректная причина",
  "moderation.role.invalid": "Недопустимая роль",
  "moderation.last_admin": "Нельзя понизить последнего администратора",
  "account.delete.admin_only": "Только администратор может удалять пользователей",
  "account.delete.last_admin": "Нельзя удалить последнего администратора",
  "account.already_deleted": "Пользователь уже удален",
  "account.password.incorrect": "Неверный текущий пароль",
  "account.email.invalid": "Некорректный email",
  "account.email.taken": "Пользователь с таким email уже существует",
  "profile.invalid": "Некорректные данные профиля",
  "profile.avatar.invalid": "Аватар должен быть изображением JPEG, PNG, WebP или GIF до 5 МБ",
  "achievement.not_found": "Достижение не найдено",
  "achievement.not_claimable": "Это достижение выдаёт сервер",
  "e2ee.public_key.required": "Публичный ключ обязателен",
  "e2ee.public_key.invalid": "Некорректный публичный ключ",
  "e2ee.keys.invalid": KEYS_REQUIRED,
  "e2ee.keys.empty": KEYS_REQUIRED,
  "e2ee.keys.not_member": "Ключ предназначен не участнику комнаты",
  "e2ee.keys.forbidden": "Недостаточно прав для управления ключами комнаты",
  "signup.username.required": "Имя пользователя обязательно",
  "signup.username.length": "Имя пользователя должно содержать минимум 3 символа",
  "signup.username.chars":
    "Имя пользователя может содержать только латинские буквы, цифры, '_' и '-'",
  "signup.username.taken": "Имя пользователя уже занято. Выберите другое имя.",
  "signup.password.required": "Пароль обязателен",
  "signup.password.short": "Пароль должен содержать минимум 8 символов",
} as const satisfies Record<ErrorCode, string>;

/** The original's text for an action error code. */
export function legacyErrorText(code: ErrorCode): string {
  return LEGACY_TEXTS[code];
}

/**
 * The original answered almost every business error with 400 (spec §0); only authentication
 * (401), rate limits (429) and server faults keep their own codes.
 */
export function legacyStatus(status: number): number {
  if (status === 401 || status === 429 || status >= 500) return status;
  return 400;
}
