// Polls of the legacy API: the composer sends them as message text (spec §4.9) and reads votes
// as `{"<option>": userId[]}`. Anonymous polls never name voters: the other voters' slots hold a
// placeholder so counts stay right, and only the caller's own id appears (B15 fixed).
import { isoDate } from "./compat-shapes.ts";

const ANONYMOUS_TAG = "🔒";

export type ParsedPoll =
  { question: string; options: string[]; anonymous: boolean } | { problem: string };

/** `📊 <question>[ 🔒 [Анонимный]]\n\n1. <opt>\n2. <opt>…` as the composer writes it. */
export function parseLegacyPoll(content: unknown): ParsedPoll {
  if (typeof content !== "string") return { problem: "Неверный формат опроса" };
  const lines = content
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (lines.length < 3) return { problem: "Неверный формат опроса" };
  const head = lines[0]!;
  const question = head
    .replace(/^📊\s*/u, "")
    .replace(/\s*🔒\s*\[Анонимный\]\s*$/u, "")
    .replace(/\s*🔒\s*$/u, "")
    .trim();
  const options = lines
    .slice(1)
    .map((l) => /^\d+\.\s*(.+)$/u.exec(l)?.[1]?.trim() ?? "")
    .filter((o) => o !== "");
  if (options.length < 2) return { problem: "Опрос должен содержать минимум 2 варианта" };
  if (question === "") return { problem: "Неверный формат опроса" };
  return { question, options, anonymous: head.includes(ANONYMOUS_TAG) };
}

/** The composer's text for a poll given as fields (POST /polls), so both ways store the same. */
export function legacyPollText(question: string, options: string[], anonymous: boolean): string {
  const head = `📊 ${question.trim()}${anonymous ? ` ${ANONYMOUS_TAG} [Анонимный]` : ""}`;
  return [head, "", ...options.map((o, i) => `${i + 1}. ${o.trim()}`)].join("\n");
}

/** Placeholder for a voter an anonymous poll does not name. */
export const HIDDEN_VOTER = "anonymous";

export interface PollResultFacts {
  id: string;
  message: string;
  question: string;
  options: string[];
  anonymous: boolean;
  createdBy: string;
  created: string;
  counts: number[];
  myVotes: number[];
  voters?: string[][];
}

export function legacyPoll(p: PollResultFacts, me: string): Record<string, unknown> {
  const votes: Record<string, string[]> = {};
  p.options.forEach((_, i) => {
    const named = p.voters?.[i];
    if (named) {
      votes[String(i)] = named;
      return;
    }
    const mine = p.myVotes.includes(i);
    const others = Math.max(0, (p.counts[i] ?? 0) - (mine ? 1 : 0));
    votes[String(i)] = [...(mine ? [me] : []), ...Array<string>(others).fill(HIDDEN_VOTER)];
  });
  return {
    id: p.id,
    message_id: p.message,
    question: p.question,
    options: p.options,
    votes,
    anonymous: p.anonymous,
    created_by: p.createdBy,
    created_at: isoDate(p.created),
  };
}
