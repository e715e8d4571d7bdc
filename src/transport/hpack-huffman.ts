// HPACK's static Huffman code (RFC 7541 Appendix B), decoded four bits at a time.

/**
 * The code length of each symbol 0…256 (256 is EOS), as character code − 48. The code is canonical
 * (codes are handed out in order of length, then symbol), so the lengths alone define it.
 */
const LENGTHS =
  '=GLLLLLLLHNLLNLLLLLLLLNLLLLLLLLL6::<=68;::8;8666555666666678?6<:=67777777777777777777777878=C=>6?56565666577666567655677777?;>=LDFDDFFFGFGGGGGHGHHFGHGGGGEFGFGGHFEDFFGGEGFFHEFGGEEFEGFGGDFFFGFFGJJDCFGFIJJJKKJHICEJKKJKHEEJJLKKKDHDEFEEGFFIIHHJGJKJJKKKKKLKKKKKJN';

export const EOS = 256;

/** Each symbol's code and length, canonical order rebuilt from LENGTHS. */
export function huffmanCodes(): { readonly codes: readonly number[]; readonly lengths: readonly number[] } {
  const lengths = Array.from(LENGTHS, (c) => c.charCodeAt(0) - 48);
  const order = lengths.map((_, s) => s).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const codes = new Array<number>(257).fill(0);
  let code = 0;
  let previous = lengths[order[0]!]!;
  order.forEach((symbol, i) => {
    const length = lengths[symbol]!;
    if (i > 0) code = (code + 1) * 2 ** (length - previous);
    previous = length;
    codes[symbol] = code;
  });
  return { codes, lengths };
}

// The decoding automaton: a state is an inner node of the code tree; each (state, nibble) entry says
// the next state and the symbol emitted on the way (codes are ≥ 5 bits, so at most one per nibble).
const FAIL = -2;
const NONE = -1;
let nextState: Uint16Array;
let emitted: Int16Array;
/** A state where the input may end: the root, or ≤ 7 bits of all ones below it (the EOS prefix as padding). */
let accepting: Uint8Array;
let built = false;

/** Made on the first Huffman string, not at load: start-up of every run that is not HTTP/2 pays nothing for it. */
function build(): void {
  built = true;
  const { codes, lengths } = huffmanCodes();
  // Inner nodes: children[2n] and children[2n+1]; a leaf is stored as −1 − symbol.
  const children: number[] = [0, 0];
  let nodes = 1;
  for (let s = 0; s <= EOS; s++) {
    let node = 0;
    for (let bit = lengths[s]! - 1; bit >= 0; bit--) {
      const b = Math.floor(codes[s]! / 2 ** bit) % 2;
      const slot = node * 2 + b;
      if (bit === 0) {
        children[slot] = -1 - s;
      } else {
        if (children[slot] === 0) {
          children[slot] = nodes++;
          children.push(0, 0);
        }
        node = children[slot]!;
      }
    }
  }
  accepting = new Uint8Array(nodes);
  // Ones-only paths from the root, up to 7 deep.
  let node = 0;
  accepting[0] = 1;
  for (let depth = 1; depth <= 7; depth++) {
    node = children[node * 2 + 1]!;
    accepting[node] = 1;
  }
  nextState = new Uint16Array(nodes * 16);
  emitted = new Int16Array(nodes * 16);
  for (let state = 0; state < nodes; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let at = state;
      let out = NONE;
      for (let bit = 3; bit >= 0; bit--) {
        const child = children[at * 2 + ((nibble >> bit) & 1)]!;
        if (child >= 0) {
          at = child;
          continue;
        }
        const symbol = -1 - child;
        out = symbol === EOS ? FAIL : symbol;
        at = 0;
        if (out === FAIL) break;
      }
      nextState[state * 16 + nibble] = at;
      emitted[state * 16 + nibble] = out;
    }
  }
}
/**
 * Decodes src[start, end) into out from outAt; returns the end of the output, or -1 for a bad
 * string (EOS inside, or padding that is not a short run of ones). `out` must hold (end − start) × 8 / 5 bytes.
 */
export function huffmanDecode(src: Uint8Array, start: number, end: number, out: Uint8Array, outAt: number): number {
  if (!built) build();
  let state = 0;
  let o = outAt;
  for (let i = start; i < end; i++) {
    const byte = src[i]!;
    let k = state * 16 + (byte >> 4);
    let sym = emitted[k]!;
    if (sym === FAIL) return -1;
    if (sym >= 0) out[o++] = sym;
    state = nextState[k]!;
    k = state * 16 + (byte & 15);
    sym = emitted[k]!;
    if (sym === FAIL) return -1;
    if (sym >= 0) out[o++] = sym;
    state = nextState[k]!;
  }
  return accepting[state] === 1 ? o : -1;
}
