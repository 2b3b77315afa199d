// Draws the Leash icon (a rounded green square, a cream "L" leash and a gold
// ring) as PNGs at the sizes the manifest needs. Usage: node icons.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const crcTable = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc(buf) {
  let c = -1;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in a 96×96 design space, 4× supersampled.
function cover(u, v) {
  const r = 22;
  const cx = Math.min(Math.max(u, r), 96 - r), cy = Math.min(Math.max(v, r), 96 - r);
  const inSquare = (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  if (!inSquare) return null;
  const dseg = (ax, ay, bx, by) => {
    const t = Math.max(0, Math.min(1, ((u - ax) * (bx - ax) + (v - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    return Math.hypot(u - (ax + t * (bx - ax)), v - (ay + t * (by - ay)));
  };
  const ring = Math.abs(Math.hypot(u - 68, v - 30) - 9) <= 3;
  if (ring) return [224, 178, 92];
  let d = Math.min(dseg(30, 22, 30, 64), dseg(40, 74, 68, 74));
  const arc = Math.abs(Math.hypot(u - 40, v - 64) - 10) <= 5 && u <= 40 && v >= 64;
  if (d <= 5 || arc) return [244, 239, 228];
  return [31, 95, 74];
}

const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true });
for (const size of [16, 32, 48, 128]) {
  const S = 4;
  const buf = png(size, (x, y) => {
    let r = 0, g = 0, b = 0, a = 0;
    for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) {
      const c = cover(((x + (i + 0.5) / S) / size) * 96, ((y + (j + 0.5) / S) / size) * 96);
      if (c) { r += c[0]; g += c[1]; b += c[2]; a++; }
    }
    return a ? [Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((255 * a) / (S * S))] : [0, 0, 0, 0];
  });
  fs.writeFileSync(path.join(dir, `icon-${size}.png`), buf);
}
