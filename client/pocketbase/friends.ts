// Friends and friend notifications over the /api/konvert routes and the API-rule reads.
import type PocketBase from "pocketbase";
import type {
  FriendRequestsResponse,
  FriendshipsResponse,
  NotificationsResponse,
  UsersResponse,
} from "../../types/pocketbase-types.ts";
import { call } from "../errors.ts";
import type { Friends, FriendsApi, NotificationsApi, Unsubscribe } from "../interface.ts";
import { konvertApi, seg } from "./konvert-api.ts";
import { onFeed } from "./live.ts";

type FriendshipWithUsers = FriendshipsResponse<{ userA?: UsersResponse; userB?: UsersResponse }>;

export function pocketBaseFriends(
  pb: PocketBase,
): FriendsApi & { cancelFriendRequest(id: string): Promise<void> } {
  const send = konvertApi(pb);
  return {
    async getFriends(): Promise<Friends> {
      const me = pb.authStore.record?.id ?? "";
      const [friendships, requests] = await Promise.all([
        call(() =>
          pb.collection("friendships").getFullList<FriendshipWithUsers>({ expand: "userA,userB" }),
        ),
        call(() =>
          pb.collection("friend_requests").getFullList<FriendRequestsResponse>({
            filter: "status = 'pending'",
            sort: "-created",
          }),
        ),
      ]);
      const friends = friendships
        .map((f) => {
          // a friend the caller may not view (e.g. just deleted) is not expanded
          const users = f.expand as FriendshipWithUsers["expand"] | undefined;
          return f.userA === me ? users?.userB : users?.userA;
        })
        .filter((u): u is UsersResponse => u !== undefined);
      return {
        friends,
        incoming: requests.filter((r) => r.to === me),
        outgoing: requests.filter((r) => r.from === me),
      };
    },
    async sendFriendRequest(userId) {
      await send("POST", "/friends/requests", { userId });
    },
    async acceptFriendRequest(requestId) {
      await send("POST", `/friends/requests/${seg(requestId)}/accept`);
    },
    async rejectFriendRequest(requestId) {
      await send("POST", `/friends/requests/${seg(requestId)}/reject`);
    },
    async cancelFriendRequest(requestId) {
      await send("POST", `/friends/requests/${seg(requestId)}/cancel`);
    },
    async removeFriend(userId) {
      await send("DELETE", `/friends/${seg(userId)}`);
    },
  };
}

export function pocketBaseNotifications(pb: PocketBase): NotificationsApi {
  const send = konvertApi(pb);
  return {
    list: () =>
      call(() =>
        pb.collection("notifications").getFullList<NotificationsResponse>({ sort: "-created" }),
      ),
    async markRead(id) {
      await send("POST", `/notifications/${seg(id)}/read`);
    },
    async remove(id) {
      await call(() => pb.collection("notifications").delete(id));
    },
  };
}

/** The caller's notifications as they come, are read or go: the `notification` events of the feed. */
export function subscribeToNotifications(
  pb: PocketBase,
  callback: (action: "create" | "update" | "delete", notification: NotificationsResponse) => void,
): Promise<Unsubscribe> {
  return onFeed(pb, (event) => {
    if (event.type === "notification") {
      callback(event.action, event.record as unknown as NotificationsResponse);
    }
  });
}

/** A change of the caller's friendships or friend requests (the event says which record, not how). */
export function subscribeToFriends(pb: PocketBase, callback: () => void): Promise<Unsubscribe> {
  return onFeed(pb, (event) => {
    if (event.type === "friends") callback();
  });
}
