// R67–R69: the original's per-user E2EE key routes (dead in its UI: CryptoProvider is never
// mounted). They map onto the backend's E2EE storage: the public key on the user, room keys
// wrapped per member on memberships. Unlike the original, only members read a room's key and
// keys are stored only for members.
import * as e2ee from "../jsvm/e2ee.ts";
import { handle, invoke, legacyBody, legacyCaller } from "./http.ts";

/** PUT /users/public-key {publicKey} -> {success:true} */
export function savePublicKey(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const publicKey = legacyBody(e)["publicKey"];
    invoke(e, e2ee.updatePublicKey, { caller: me, body: { publicKey } });
    e.json(200, { success: true });
  });
}

/** GET /rooms/{roomId}/key -> {encryptedKey: string | null}: the caller's wrapped room key. */
export function roomKey(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const params = { id: e.request!.pathValue("roomId") };
    const answer = invoke(e, e2ee.roomKey, { caller: me, params }) as { encryptedKey: unknown };
    e.json(200, { encryptedKey: answer.encryptedKey });
  });
}

/** POST /rooms/{roomId}/keys {encryptedKeys: {userId: key}} -> {success:true} */
export function saveRoomKeys(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    invoke(e, e2ee.saveRoomKeys, {
      caller: me,
      params: { id: e.request!.pathValue("roomId") },
      body: { encryptedKeys: legacyBody(e)["encryptedKeys"] },
    });
    e.json(200, { success: true });
  });
}
