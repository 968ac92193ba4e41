// SPDX-License-Identifier: MIT
// png.mjs: decode the 8-bit RGB and RGBA PNG files that Chromium's screenshots are, and the pixel
// statistics the browser test judges a canvas by. Node's own zlib, no other dependency.
import { inflateSync } from 'node:zlib';

/// Decode a PNG (bit depth 8, colour type 2 or 6, not interlaced) into {width, height, rgba}.
export function decodePng(buf) {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  for (let i = 0; i < 8; i++)
    if (buf[i] !== sig[i]) throw new Error('not a PNG file');
  let pos = 8, width = 0, height = 0, depth = 0, ctype = 0, interlace = 0;
  const idat = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      ctype = data[9];
      interlace = data[12];
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  if (depth !== 8 || (ctype !== 2 && ctype !== 6) || interlace !== 0)
    throw new Error(`PNG of depth ${depth}, colour type ${ctype}, interlace ${interlace}: not handled`);
  const bpp = ctype === 6 ? 4 : 3;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== height * (stride + 1)) throw new Error('PNG data of the wrong length');
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? row[x - bpp] : 0;
      const b = prev ? prev[x] : 0;
      const c = prev && x >= bpp ? prev[x - bpp] : 0;
      let v = src[x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) >> 1; break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`PNG filter ${filter} unknown`);
      }
      row[x] = v & 255;
    }
  }
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = px[bpp * i];
    rgba[4 * i + 1] = px[bpp * i + 1];
    rgba[4 * i + 2] = px[bpp * i + 2];
    rgba[4 * i + 3] = bpp === 4 ? px[bpp * i + 3] : 255;
  }
  return { width, height, rgba };
}

/// Pixel statistics of a decoded image: distinct colours and the standard deviation of the
/// luminance (0-255). A blank canvas has one colour and a deviation of 0.
export function pixelStats(img) {
  const n = img.width * img.height;
  const colours = new Set();
  let sum = 0, sum2 = 0;
  for (let i = 0; i < n; i++) {
    const r = img.rgba[4 * i], g = img.rgba[4 * i + 1], b = img.rgba[4 * i + 2];
    if (colours.size < 100000) colours.add((r << 16) | (g << 8) | b);
    const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += l;
    sum2 += l * l;
  }
  const mean = sum / n;
  return { pixels: n, colours: colours.size, stddev: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
}

/// The share of pixels that differ between two images of the same size (1 when sizes differ).
export function diffShare(a, b) {
  if (a.width !== b.width || a.height !== b.height) return 1;
  const n = a.width * a.height;
  let d = 0;
  for (let i = 0; i < n; i++)
    if (a.rgba[4 * i] !== b.rgba[4 * i] || a.rgba[4 * i + 1] !== b.rgba[4 * i + 1] ||
        a.rgba[4 * i + 2] !== b.rgba[4 * i + 2])
      d++;
  return d / n;
}
