// R57, R59: uploads over the legacy API. Files land in PocketBase file fields that are not
// protected, so their URLs never expire and keep the original extension (spec §8 item 10).
import { handle, legacy, legacyCaller } from "./http.ts";
import { fileUrl, selfUser } from "./user-shape.ts";

const UPLOAD_MAX_BYTES = 52428800;
const AVATAR_MAX_BYTES = 5242880;

/** The single multipart `file` of the request, or 400 `Файл не предоставлен`. */
function uploadedFile(e: core.RequestEvent): filesystem.File {
  let files: (filesystem.File | undefined)[] = [];
  try {
    files = e.findUploadedFiles("file");
  } catch {
    // no multipart body, or no `file` part
  }
  const file = files[0];
  if (!file) return legacy(400, "Файл не предоставлен");
  return file;
}

/** POST /storage/upload (multipart `file`) -> {url, path} */
export function upload(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const file = uploadedFile(e);
    if (file.size > UPLOAD_MAX_BYTES)
      legacy(400, "Файл слишком большой. Максимальный размер: 50 МБ");
    const record = new Record(e.app.findCachedCollectionByNameOrId("compat_uploads"));
    record.set("owner", me.id);
    record.set("file", file);
    try {
      e.app.save(record);
    } catch (err) {
      legacy(400, "Ошибка загрузки: " + String(err));
    }
    const name = record.getString("file");
    e.json(200, { url: fileUrl(e, record, name), path: `${record.id}/${name}` });
  });
}

/** POST /profile/avatar (multipart `file`) -> {user, avatarUrl} */
export function avatar(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const file = uploadedFile(e);
    if (file.size > AVATAR_MAX_BYTES)
      legacy(400, "Файл слишком большой. Максимальный размер: 5 МБ");
    const user = e.app.findRecordById("users", me.id);
    user.set("avatar", file);
    try {
      // The field sniffs the content type itself: only real images pass.
      e.app.save(user);
    } catch {
      legacy(400, "Можно загружать только изображения");
    }
    e.json(200, {
      user: selfUser(e, user),
      avatarUrl: fileUrl(e, user, user.getString("avatar")),
    });
  });
}
