// Draws images/icon.png (128×128): a crossbar — word lines, bit lines and a cell of four conductance
// levels at each crossing — on a rounded square. Written as a PNG with node:zlib, no image library.
// Run: node scripts/icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = new Uint8Array(N * N * 4);
const set = (x, y, [r, g, b, a = 255]) => {
  if (x < 0 || y < 0 || x >= N || y >= N) return;
  const i = (y * N + x) * 4;
  px.set([r, g, b, a], i);
};
const inRounded = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), N - 1 - r);
  const cy = Math.min(Math.max(y, r), N - 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) if (inRounded(x, y, 22)) set(x, y, [24, 44, 74]);
const lines = [28, 52, 76, 100];
for (const c of lines) {
  for (let t = 16; t < 112; t++) {
    for (let w = -1; w <= 1; w++) {
      set(t, c + w, [120, 150, 190]); // word line
      set(c + w, t, [200, 170, 90]); // bit line
    }
  }
}
// Cell conductances: a fixed pattern of four levels (2-bit cells).
const levels = [
  [3, 1, 0, 2],
  [0, 2, 3, 1],
  [2, 3, 1, 0],
  [1, 0, 2, 3],
];
lines.forEach((cy, i) =>
  lines.forEach((cx, j) => {
    const l = levels[i][j];
    const colour = [40 + 60 * l, 160 + 30 * l, 150 + 35 * l];
    for (let dy = -7; dy <= 7; dy++)
      for (let dx = -7; dx <= 7; dx++) if (dx * dx + dy * dy <= 49) set(cx + dx, cy + dy, colour);
  }),
);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
const png = Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw)),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../images/icon.png', import.meta.url), png);
