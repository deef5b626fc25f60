// Message search and polls over /api/konvert/search and /api/konvert/polls.
import type PocketBase from "pocketbase";
import type { PollResults, PollsApi, SearchHit, SearchPage } from "../interface.ts";
import { konvertApi, seg } from "./konvert-api.ts";

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
      // The polls record is touched on every vote; its event says "changed", the route says how.
      const off = await pb.collection("polls").subscribe(pollId, (event) => {
        if (event.action === "update") void getPoll(pollId).then(callback, () => undefined);
      });
      return off;
    },
  };
}
