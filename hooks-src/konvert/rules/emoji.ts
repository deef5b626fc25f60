// Is a string exactly one emoji? goja has no Intl.Segmenter and no \p{Extended_Pictographic},
// so this walks code points through the emoji sequence grammar (UTS #51): a pictograph with an
// optional presentation selector or skin tone, joined by ZWJ; a flag (two regional indicators);
// a keycap; or a tag sequence (subdivision flags).

const ZWJ = 0x200d;
const VS16 = 0xfe0f;
const KEYCAP = 0x20e3;
const CANCEL_TAG = 0xe007f;

const PICTOGRAPH_RANGES: readonly [number, number][] = [
  [0x00a9, 0x00a9],
  [0x00ae, 0x00ae],
  [0x203c, 0x203c],
  [0x2049, 0x2049],
  [0x2122, 0x2122],
  [0x2139, 0x2139],
  [0x2194, 0x21aa],
  [0x231a, 0x23ff],
  [0x24c2, 0x24c2],
  [0x25aa, 0x25fe],
  [0x2600, 0x27bf],
  [0x2934, 0x2935],
  [0x2b05, 0x2b55],
  [0x3030, 0x3030],
  [0x303d, 0x303d],
  [0x3297, 0x3299],
  [0x1f000, 0x1f0ff],
  [0x1f10d, 0x1f1ad],
  [0x1f201, 0x1f2ff],
  [0x1f300, 0x1f5ff],
  [0x1f600, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f700, 0x1f7ff],
  [0x1f800, 0x1f8ff],
  [0x1f900, 0x1f9ff],
  [0x1fa00, 0x1faff],
];

const inRange = (cp: number, [lo, hi]: readonly [number, number]) => cp >= lo && cp <= hi;
const isPictograph = (cp: number) => PICTOGRAPH_RANGES.some((r) => inRange(cp, r));
const isRegional = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff;
const isSkinTone = (cp: number) => cp >= 0x1f3fb && cp <= 0x1f3ff;
const isTag = (cp: number) => cp >= 0xe0020 && cp <= 0xe007e;
const isKeycapBase = (cp: number) => (cp >= 0x30 && cp <= 0x39) || cp === 0x23 || cp === 0x2a;

export const EMOJI_MAX_LENGTH = 32;

export function isSingleEmoji(value: unknown): boolean {
  if (typeof value !== "string" || value === "" || value.length > EMOJI_MAX_LENGTH) return false;
  const cps = Array.from(value, (ch) => ch.codePointAt(0) ?? 0);
  if (cps.length === 2 && cps.every(isRegional)) return true;
  if (isKeycapBase(cps[0] ?? 0)) {
    return (
      (cps.length === 2 && cps[1] === KEYCAP) ||
      (cps.length === 3 && cps[1] === VS16 && cps[2] === KEYCAP)
    );
  }
  let i = 0;
  for (;;) {
    if (!isPictograph(cps[i] ?? -1)) return false;
    i += 1;
    if (cps[i] === VS16 || isSkinTone(cps[i] ?? -1)) i += 1;
    if (isTag(cps[i] ?? -1)) {
      while (isTag(cps[i] ?? -1)) i += 1;
      if (cps[i] !== CANCEL_TAG) return false;
      i += 1;
    }
    if (i === cps.length) return true;
    if (cps[i] !== ZWJ) return false;
    i += 1;
  }
}
