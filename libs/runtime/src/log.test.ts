import { describe, expect, it } from "vitest";
import { ConfigError } from "@riel/config";
import type { LogSettings } from "./log.js";
import { createLog, logSettingsFromEnv } from "./log.js";

function capture(settings: LogSettings = { level: "trace" }, service = "ingress-api") {
  const lines: string[] = [];
  const log = createLog(service, (line) => lines.push(line), settings);
  const entries = (): Array<Record<string, unknown>> => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, entries };
}

const PAYMENT_ID = "550e8400-e29b-41d4-a716-446655440000";
const CORRELATION_ID = "0b7f1c3e-9a4d-4e2b-8f61-2c5d7e9a1b30";
const EVENT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const EVP_KEY = "123e4567-e89b-42d3-a456-556642440000";

/** Each piece of personal data as a caller might hold it, and the forms it must not show in. */
const PERSONAL = {
  cpf: ["390.533.447-05", "39053344705"],
  cnpj: ["11.222.333/0001-81", "11222333000181"],
  accountNumber: ["0009795493"],
  cci: ["002-193-001234567890-13", "00219300123456789013"],
  dni: ["12345678"],
  ruc: ["20131312954"],
  email: ["rosa.huaman@example.com"],
  phone: ["+51 987 654 321", "+51987654321", "51987654321", "987654321", "987 654 321"],
  brebKey: ["@CBAQ1EXD8", "CBAQ1EXD8"],
  fullName: ["Rosa Huaman", "Huaman"],
  otherName: ["Joao Santos", "Santos"],
  evpKey: [EVP_KEY],
};
const everyForm = Object.values(PERSONAL).flat();

describe("createLog", () => {
  it("prints no personal data, from fields or the message, and keeps ids and statuses readable", () => {
    const { log, lines, entries } = capture();
    log(
      `payment for Joao Santos (CPF 390.533.447-05, CNPJ 11.222.333/0001-81) to +51 987 654 321, ` +
        `mail rosa.huaman@example.com, Bre-B @CBAQ1EXD8, CCI 002-193-001234567890-13, DNI 12345678, ` +
        `RUC 20131312954, local 987 654 321; provider said {"full_name":"Rosa Huaman","dict_key":"39053344705","account_number":9795493} ` +
        `and form email=rosa.huaman%40example.com&phone=987654321 for ${PAYMENT_ID} at 2026-03-01T10:00:00.000Z`,
      {
        paymentId: PAYMENT_ID,
        correlationId: CORRELATION_ID,
        eventId: EVENT_ID,
        status: "COMPLETED",
        method: "PIX_KEY",
        taxIdType: "DNI",
        walletId: "wallet-yape-1",
        taxId: "39053344705",
        tax_id: 39053344705,
        accountNumber: "0009795493",
        account_number: "0009795493",
        payeeKey: EVP_KEY,
        dict_key: "390.533.447-05",
        fullName: "Rosa Huaman",
        full_name: "Rosa Huaman",
        name: "Joao Santos",
        email: "rosa.huaman@example.com",
        phone: "+51987654321",
        phoneNumber: "987654321",
        mobile: "987 654 321",
        documentNumber: "12345678",
        legal_doc: "20131312954",
        "payer.taxId": "39053344705",
        // Not named as personal data, but shaped like it:
        reference: "CPF 390.533.447-05 / rosa.huaman@example.com",
        contact: "+51 987 654 321",
        key: "@CBAQ1EXD8",
        cci: "00219300123456789013",
        amountMinor: 12345678,
      },
    );
    expect(lines).toHaveLength(1);
    const output = lines.join("\n");
    for (const value of everyForm) expect(output, `${value} leaked`).not.toContain(value);

    const [entry] = entries();
    expect(entry).toMatchObject({
      level: "info",
      service: "ingress-api",
      paymentId: PAYMENT_ID,
      correlationId: CORRELATION_ID,
      eventId: EVENT_ID,
      status: "COMPLETED",
      method: "PIX_KEY",
      taxIdType: "DNI",
      walletId: "wallet-yape-1",
      // The last three characters stay, to tell records apart.
      taxId: "******705",
      fullName: "******man",
      payeeKey: "******000",
    });
    expect(new Date(entry?.time as string).toISOString()).toBe(entry?.time);
    expect(entry?.message).toContain(PAYMENT_ID);
    expect(entry?.message).toContain("2026-03-01T10:00:00.000Z");
  });

  it("keeps UUIDs, timestamps, addresses and Kafka offsets, which look like no one", () => {
    const { log, entries } = capture();
    log(`dead-lettered riel.payment-commands/3@123456789 of ${PAYMENT_ID} after 5 attempt(s): broker 192.168.100.200:9092 at 2026-03-01`, { amount: "10.50", attempts: 5 });
    expect(entries()[0]).toMatchObject({
      message: `dead-lettered riel.payment-commands/3@123456789 of ${PAYMENT_ID} after 5 attempt(s): broker 192.168.100.200:9092 at 2026-03-01`,
      amount: "10.50",
      attempts: 5,
    });
  });

  it("logs a megabyte of hostile text from outside at once, and still masks the address in it", () => {
    // Before the e-mail pattern was anchored to the start of a run, 100 KB of letters took 14 s
    // (quadratic); a megabyte would have held the service's event loop for about half an hour.
    const { log, entries } = capture();
    const hostile = ["x".repeat(1_000_000), "1".repeat(500_000) + "a", "a.".repeat(500_000), "a@" + "b.".repeat(500_000), "+1".repeat(500_000)];
    for (const text of hostile) log(`provider said ${text} to rosa.huaman@example.com`);
    const messages = entries().map((entry) => String(entry.message));
    expect(messages).toHaveLength(hostile.length);
    for (const message of messages) expect(message).not.toContain("rosa.huaman");
    expect(messages[0]).toContain("x".repeat(1_000_000));
  });

  it("masks an address whose local part starts with an id", () => {
    const { log, lines } = capture();
    log(`bounce from ${PAYMENT_ID}.rosa@example.com and 2026-03-01rosa@example.com`);
    expect(lines.join("\n")).not.toMatch(/rosa|example/);
  });

  it("takes the level from a level field, and writes only from the configured level up", () => {
    const { log, entries } = capture({ level: "warn" });
    log("not written", { paymentId: PAYMENT_ID });
    log("provider slow", { level: "warn", paymentId: PAYMENT_ID });
    log("provider down", { level: "error" });
    expect(entries().map((e) => [e.level, e.message])).toEqual([
      ["warn", "provider slow"],
      ["error", "provider down"],
    ]);
    expect(entries()[0]).not.toHaveProperty("_level");
  });

  it("never lets a field overwrite the line's own keys; a service field names the service", () => {
    const { log, entries } = capture();
    log("hello", { level: "loud", time: "yesterday", message: "other", service: "depay-connector" });
    expect(entries()[0]).toMatchObject({ level: "info", message: "hello", _level: "loud", _time: "yesterday", _message: "other", service: "depay-connector" });
  });

  it("reads LOG_LEVEL, info by default, and refuses a level that does not exist", () => {
    expect(logSettingsFromEnv({})).toEqual({ level: "info" });
    expect(logSettingsFromEnv({ LOG_LEVEL: "debug" })).toEqual({ level: "debug" });
    expect(() => logSettingsFromEnv({ LOG_LEVEL: "loud" })).toThrow(ConfigError);
  });

  it("writes human-readable lines when asked (a terminal), masked the same way", () => {
    const { log, lines } = capture({ level: "info", pretty: true });
    log("payment accepted", { paymentId: PAYMENT_ID, taxId: "39053344705", email: "rosa.huaman@example.com" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/^\{/);
    expect(lines[0]).toMatch(/INFO.*ingress-api: payment accepted/);
    expect(lines[0]).toContain(PAYMENT_ID);
    expect(lines[0]).not.toContain("39053344705");
    expect(lines[0]).not.toContain("rosa.huaman@example.com");
  });
});
