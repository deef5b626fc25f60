// R67–R69: the original's per-user E2EE key routes (dead in its UI: CryptoProvider is never
// mounted). They map onto the backend's E2EE actions: the public key on the user, room keys
// wrapped per member on memberships. Unlike the original, only members read a room's key and
// keys are stored only for members.
import * as e2ee from "../jsvm/e2ee.ts";
import { handle, legacyBody, legacyCaller } from "./http.ts";

/** PUT /users/public-key {publicKey} -> {success:true} */
export function savePublicKey(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    e2ee.setPublicKey(e.app, me, legacyBody(e)["publicKey"]);
    e.json(200, { success: true });
  });
}

/** GET /rooms/{roomId}/key -> {encryptedKey: string | null}: the caller's wrapped room key. */
export function roomKey(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    const answer = e2ee.myRoomKey(e.app, me, e.request!.pathValue("roomId"));
    e.json(200, { encryptedKey: answer.encryptedKey });
  });
}

/** POST /rooms/{roomId}/keys {encryptedKeys: {userId: key}} -> {success:true} */
export function saveRoomKeys(e: core.RequestEvent): void {
  handle(e, () => {
    const me = legacyCaller(e);
    e2ee.distributeRoomKeys(e.app, me, {
      roomId: e.request!.pathValue("roomId"),
      encryptedKeys: legacyBody(e)["encryptedKeys"],
    });
    e.json(200, { success: true });
  });
}
