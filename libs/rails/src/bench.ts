import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { decodeQr } from "./emv-qr/index.js";
import { detectKey, validateKey } from "./keys/index.js";
import type { KeyType } from "./keys/types.js";

/**
 * Throughput of the rails' hot paths: key validation (every key type, valid
 * and invalid, typed and canonical) and QR decoding (one code per country).
 * `pnpm bench` calls runRailsBench(); `pnpm exec tsx libs/rails/src/bench.ts`
 * prints the same figures alone.
 */

const KEYS: readonly (readonly [KeyType, string])[] = [
  ["PIX_CPF", "39053344705"],
  ["PIX_CPF", "390.533.447-05"],
  ["PIX_CNPJ", "11222333000181"],
  ["PIX_CNPJ", "12.ABC.345/01DE-35"],
  ["PIX_EMAIL", "joao.santos@example.com"],
  ["PIX_PHONE", "+55 (11) 98765-4321"],
  ["PIX_EVP", "8f27d7dc-aa2a-42a8-9f4c-7998dfef5202"],
  ["PE_CCI", "00219300123456789013"],
  ["PE_PHONE", "+51987654321"],
  ["BREB_NAME", "@CBARG452PEXTOCOLOMBI"],
  ["BREB_ID", "@CBAQ1ER9001234567"],
  ["BREB_RANDOM", "@CBAQ1EXD8"],
  ["BREB_OPEN_INPUT", "@MYPERSONALIZEDKEY123"],
  ["PIX_CPF", "39053344704"],
  ["PE_CCI", "00219300123456789014"],
];

/** One valid code per country and shape from test-vectors.json (static, dynamic, accented, card network). */
export const BENCH_QR_PAYLOADS: readonly string[] = [
  "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D",
  "00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca255204581253039865406123.455802BR5916RIEL RESTAURANTE6009SAO PAULO61080131010062120508RIEL000163040F76",
  "00020101021126580014BR.GOV.BCB.PIX0122joao.silva@example.com0210Café e pão5204546253039865802BR5913JOÃO DA SILVA6009SÃO PAULO62070503***630406C0",
  "00020101021102080000000043160012B0000045383150150011307071010205126002200005326073000670791795204541153030325802AR5916Test Homo COELSA6015CABA - Ciudad A6107M5515AP62100706S0279981050001I63040EC0",
  "00020101021126370018pe.example.interop0111201234567895204581453036045802PE5911BODEGA RIEL6004LIMA610515001630460C3",
  "00020101021226370018pe.example.interop011120123456789520458145303604540550.005802PE5911BODEGA RIEL6004LIMA61051500162360111F001-0001230517unique-ref-qr-00163041794",
  "00020101021226330015co.example.breb0110@CBAQ1EXD8520454115303170540815000.005802CO5911TIENDA RIEL6006BOGOTA610611011162110507CO-0001630423B1",
  "000201010212041655554444333322225204599953031525404150055020256031005802CL5912ALMACEN RIEL6008SANTIAGO6304E8B5",
];

async function measure(name: string, ops: readonly (() => unknown)[], durationMs: number): Promise<{ name: string; opsPerSec: number }> {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    // Enough work per clock read that reading the clock does not weigh on the figure.
    for (let round = 0; round < 50; round++) {
      for (const op of ops) op();
    }
    done += 50 * ops.length;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  // Let timers and I/O of the caller run between measurements.
  await new Promise((resolveYield) => setImmediate(resolveYield));
  return { name, opsPerSec: Math.round((done * 1000) / elapsed) };
}

export async function runRailsBench(options: { readonly durationMs?: number } = {}): Promise<Array<{ name: string; opsPerSec: number }>> {
  const durationMs = options.durationMs ?? 1000;
  return [
    await measure(`rails: validateKey, ${KEYS.length} keys of ${new Set(KEYS.map(([type]) => type)).size} types`, KEYS.map(([type, raw]) => () => validateKey(type, raw)), durationMs),
    await measure(`rails: detectKey, same ${KEYS.length} keys`, KEYS.map(([, raw]) => () => detectKey(raw)), durationMs),
    await measure(`rails: decodeQr, ${BENCH_QR_PAYLOADS.length} codes (BR, AR, PE, CO, CL)`, BENCH_QR_PAYLOADS.map((p) => () => decodeQr(p)), durationMs),
  ];
}

/* v8 ignore start -- command-line entry, run by `pnpm exec tsx libs/rails/src/bench.ts` */
const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  for (const { name, opsPerSec } of await runRailsBench()) {
    console.log(`${name.padEnd(48)} ${opsPerSec.toLocaleString("en-US").padStart(12)} ops/s`);
  }
}
/* v8 ignore stop */
