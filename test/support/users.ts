// Test users: created by the superuser, each with its own authenticated SDK client.
import PocketBase from "pocketbase";
import type { UsersResponse } from "../../types/pocketbase-types.ts";
import type { TestServer } from "./server.ts";

export interface TestUser {
  record: UsersResponse;
  client: PocketBase;
  password: string;
}

let counter = 0;

/** Creates a user (role and other server-owned fields may be set directly) and signs it in. */
export async function createUser(
  server: TestServer,
  fields: Partial<UsersResponse> = {},
): Promise<TestUser> {
  counter += 1;
  const username = fields.username ?? `user${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const password = "password-" + username;
  await server.admin.collection("users").create({
    email: `${username.toLowerCase()}@konvert.test`,
    password,
    passwordConfirm: password,
    role: "user",
    ...fields,
    username,
  });
  const client = anonymousClient(server);
  const auth = await client.collection("users").authWithPassword(username, password);
  return { record: auth.record as UsersResponse, client, password };
}

/** A client with no authentication, as a visitor's browser would be. */
export function anonymousClient(server: TestServer): PocketBase {
  const client = new PocketBase(server.url);
  client.autoCancellation(false);
  return client;
}
