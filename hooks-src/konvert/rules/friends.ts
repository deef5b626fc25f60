// Pair keys: one canonical key per unordered pair of users, so "one pending request per pair"
// and "one DM per pair" are unique indexes rather than checks that can race.

export function sortedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export function pairKey(a: string, b: string): string {
  return sortedPair(a, b).join(":");
}
