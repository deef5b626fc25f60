// Message search and polls over /api/konvert/search and /api/konvert/polls.
import type PocketBase from "pocketbase";
import type { PollResults, PollsApi, SearchHit, SearchPage } from "../interface.ts";
import { call } from "../errors.ts";
import { konvertApi, seg } from "./konvert-api.ts";
import { onRoom } from "./live.ts";

export function pocketBaseSearch(pb: PocketBase) {
  const send = konvertApi(pb);
  const searchPage = (query: string, page = 1, perPage = 20) =>
    send<SearchPage>(
      "GET",
      `/search?q=${encodeURIComponent(query)}&page=${page}&perPage=${perPage}`,
    );
  return {
    /** One page of matches in the caller's rooms, newest first. */
    searchPage,
    searchMessages: async (query: string): Promise<SearchHit[]> => (await searchPage(query)).items,
  };
}

export function pocketBasePolls(pb: PocketBase): PollsApi {
  const send = konvertApi(pb);
  const getPoll = (pollId: string) => send<PollResults>("GET", `/polls/${seg(pollId)}`);
  return {
    getPoll,
    vote: (pollId, options) => send<PollResults>("POST", `/polls/${seg(pollId)}/vote`, { options }),
    retractVote: (pollId) => send<PollResults>("DELETE", `/polls/${seg(pollId)}/vote`),
    subscribeToPoll: async (pollId, callback) => {
      // A vote is an event of the poll's room that names the poll; the route says how it stands.
      const poll = await call(() => pb.collection("polls").getOne<{ room: string }>(pollId));
      return onRoom(pb, poll.room, (event) => {
        if (event.type === "poll" && event.poll === pollId) {
          void getPoll(pollId).then(callback, () => undefined);
        }
      });
    },
  };
}
