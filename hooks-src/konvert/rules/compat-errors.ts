// The legacy HTTP API answers errors as `{error: "<Russian text>"}` and the original frontend
// branches on substrings of those texts (spec §8 item 6). The shared rules speak English; this
// table turns their messages into the legacy texts so the rules themselves stay in one place.

/** Exact English rule messages and their legacy texts. */
const EXACT: Readonly<Record<string, string>> = {
  "Room not found.": "Комната не найдена",
  "Message not found.": "Сообщение не найдено",
  "User not found.": "Пользователь не найден",
  "Sign in to continue.": "Требуется авторизация",
  "While banned you can only use the jail room.":
    "Забаненные пользователи могут находиться только в Азкабане",
  "Banned users cannot create rooms.": "Вы заблокированы",
  "You are not a member of this room.": "Вы не являетесь участником комнаты",
  "You are muted in this room.": "Вы в муте",
  "Only the author can edit a message.": "Только автор может редактировать сообщение",
  "Only the author, the room owner, moderators and admins can delete this message.":
    "Недостаточно прав для удаления",
  "A message cannot be empty.": "Контент сообщения не может быть пустым",
  "You cannot write to this user.": "Невозможно отправить сообщение этому пользователю",
  "You cannot start a conversation with this user.": "Невозможно создать чат с этим пользователем",
  "You cannot start a conversation with yourself.": "Нельзя создать чат с самим собой",
  "Only admins can create public rooms.": "Только администратор может создавать публичные комнаты",
  "Room name is required.": "Название и тип комнаты обязательны",
  "Only public rooms can be joined; private rooms need an invitation from a member.":
    "Вы не являетесь участником комнаты",
  "Nobody can be invited into this room.": 'Нельзя добавить пользователей в комнату "Избранное"',
  "You cannot invite this user.": "Невозможно пригласить этого пользователя",
  "Favorites cannot be left.": "Нельзя покинуть Избранное",
  "The jail room cannot be left while banned.": "Забаненные пользователи не могут покинуть Азкабан",
  "Only the room owner, moderators and admins can delete a room.":
    "Недостаточно прав для удаления комнаты",
  "This room cannot be deleted.": "Недостаточно прав для удаления комнаты",
  "Only members can pin messages in this room.": "Недостаточно прав для закрепления",
  "Only the room owner, VIPs, moderators and admins can pin messages.":
    "Недостаточно прав для закрепления",
  "Reactions must be a single emoji.": "Эмодзи не указано",
  "Username must be 3–32 characters long.": "Имя пользователя должно содержать минимум 3 символа",
  "Username may contain only Latin letters, digits, '_' and '-'.":
    "Имя пользователя может содержать только латинские буквы, цифры, '_' и '-'",
  "Password must be at least 8 characters long.": "Пароль должен содержать минимум 8 символов",
  "You cannot send a friend request to yourself.": "Нельзя добавить самого себя в друзья",
  "You cannot send a friend request to this user.":
    "Невозможно добавить этого пользователя в друзья",
  "You are already friends.": "Пользователь уже в друзьях",
  "You have already sent a friend request to this user.": "Запрос уже отправлен",
  "You are not friends with this user.": "Пользователь не в друзьях",
  "This request was already handled.": "Запрос уже обработан",
  "Only the recipient can answer this request.": "Нет доступа к этому запросу",
  "Friend request not found.": "Запрос не найден",
  "Notification not found.": "Уведомление не найдено",
  "Poll not found.": "Опрос не найден",
  "Only admins can delete accounts.": "Только администратор может удалять пользователей",
  "This account is already deleted.": "Пользователь уже удален",
  "You cannot block yourself.": "Нельзя заблокировать самого себя",
  "You have already blocked this user.": "Пользователь уже заблокирован",
  "This user is not blocked.": "Пользователь не в списке заблокированных",
  "While banned you cannot moderate.": "Недостаточно прав",
  "Only moderators and admins can do this.": "Недостаточно прав",
  "You cannot moderate yourself.": "Недостаточно прав",
  "Moderators cannot moderate admins.": "Модераторы не могут банить администраторов",
  "VIP users cannot be banned.": "VIP пользователи защищены от банов",
  "This poll is closed.": "Опрос закрыт",
  "A public key is required.": "Публичный ключ обязателен",
  "Wrapped keys must map member ids to keys.": "Зашифрованные ключи обязательны",
  "No wrapped keys were given.": "Зашифрованные ключи обязательны",
  "Only the room owner, moderators and admins can distribute room keys.":
    "Недостаточно прав для управления ключами комнаты",
};

/** Messages that carry a variable tail ("You are muted until <date>."). */
const PREFIXES: readonly (readonly [string, string])[] = [
  ["You are muted until", "Вы в муте"],
  ["There is no option", "Недействительный вариант"],
];

/** The legacy text for a rule message; unknown messages pass through unchanged. */
export function legacyErrorText(message: string): string {
  const exact = EXACT[message];
  if (exact !== undefined) return exact;
  for (const [prefix, text] of PREFIXES) if (message.startsWith(prefix)) return text;
  return message;
}

/**
 * The original answered almost every business error with 400 (spec §0); only authentication
 * (401), rate limits (429) and server faults keep their own codes.
 */
export function legacyStatus(status: number): number {
  if (status === 401 || status === 429 || status >= 500) return status;
  return 400;
}
