import jsqr from "jsqr";
import { PNG } from "pngjs";

/** Reads the text of a base64 PNG QR code, as a merchant's app scanning it would; undefined when no code is found. */
export function decodeQrPng(base64: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(base64, "base64"));
  // jsqr is CommonJS whose types declare an ES default export: under NodeNext the default import is the
  // module object, and its `default` is the function (the bundle sets both).
  return jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}
