import { crc16Hex } from "../crc16/index.js";
import { numericCode } from "../currency/index.js";
import { formatAmount } from "../money/index.js";
import { err, ok, type Result } from "../result/index.js";
import { writeTlv } from "../tlv/index.js";
import { decodeQr } from "./decode.js";
import { isExtraTag, isNetworkTag, isTemplateAccountTag, tagNumber } from "./frame.js";
import type { MerchantQrInput, QrField, QrIssue, QrRule } from "./types.js";

function inputIssue(rule: QrRule, tag: string | null, message: string): QrIssue {
  return { rule, offset: null, tag, message };
}

function isTwoDigitTag(tag: string): boolean {
  return /^\d\d$/.test(tag);
}

function encodeTemplate(tag: string, fields: readonly QrField[], issues: QrIssue[]): string {
  const seen = new Set<string>();
  for (const sub of fields) {
    if (seen.has(sub.tag)) issues.push(inputIssue("DUPLICATE_TAG", `${tag}.${sub.tag}`, `sub-field ${sub.tag} given twice in template ${tag}`));
    seen.add(sub.tag);
  }
  const written = writeTlv(fields);
  if (!written.ok) {
    issues.push(inputIssue("VALUE_TOO_LONG", `${tag}.${written.error.tag}`, written.error.message));
    return "";
  }
  return written.value;
}

/**
 * Encodes a merchant QR. Fields are written in ascending tag order (00 first,
 * 63 last) with lengths in characters and the CRC over UTF-8. The result is
 * decoded again before it is returned: every code this emits is one decodeQr
 * accepts **without a warning**. Input that would decode only with warnings
 * (an opaque account, a name over 25 characters...) is refused with those
 * warnings as the reasons, because Riel prints textbook codes only.
 */
export function encodeQr(input: MerchantQrInput): Result<string, readonly QrIssue[]> {
  const issues: QrIssue[] = [];
  const root: QrField[] = [{ tag: "00", value: "01" }];
  if (input.initiation !== null) root.push({ tag: "01", value: input.initiation === "STATIC" ? "11" : "12" });
  for (const account of input.merchantAccounts) {
    switch (account.kind) {
      case "NETWORK":
        if (!isTwoDigitTag(account.tag) || !isNetworkTag(account.tag)) {
          issues.push(inputIssue("TAG_NOT_ALLOWED", account.tag, `network account tag ${account.tag} is not in 02-25`));
        }
        root.push({ tag: account.tag, value: account.value });
        break;
      case "TEMPLATE":
        if (!isTwoDigitTag(account.tag) || !isTemplateAccountTag(account.tag)) {
          issues.push(inputIssue("TAG_NOT_ALLOWED", account.tag, `merchant account template tag ${account.tag} is not in 26-51`));
        }
        root.push({ tag: account.tag, value: encodeTemplate(account.tag, account.fields, issues) });
        break;
      case "OPAQUE":
        if (!isTwoDigitTag(account.tag) || !isTemplateAccountTag(account.tag)) {
          issues.push(inputIssue("TAG_NOT_ALLOWED", account.tag, `opaque merchant account tag ${account.tag} is not in 26-51`));
        }
        // Written as given; the decode below then refuses it with its warning.
        root.push({ tag: account.tag, value: account.value });
        break;
      default: {
        const unreachable: never = account;
        return unreachable;
      }
    }
  }
  root.push({ tag: "52", value: input.mcc }, { tag: "53", value: numericCode(input.currency) });
  if (input.amount !== null) {
    if (input.amount.currency !== input.currency) {
      issues.push(inputIssue("CURRENCY", "54", `amount is in ${input.amount.currency} but the code's currency is ${input.currency}`));
    }
    root.push({ tag: "54", value: formatAmount(input.amount) });
  }
  root.push({ tag: "58", value: input.country }, { tag: "59", value: input.merchantName }, { tag: "60", value: input.merchantCity });
  if (input.postalCode !== null) root.push({ tag: "61", value: input.postalCode });
  if (input.additionalData !== null) root.push({ tag: "62", value: encodeTemplate("62", input.additionalData.fields, issues) });
  for (const extra of input.extraFields) {
    if (!isTwoDigitTag(extra.tag) || !isExtraTag(extra.tag)) {
      issues.push(inputIssue("TAG_NOT_ALLOWED", extra.tag, `extra field tag ${extra.tag} is not 55-57 or 64-99`));
    }
    root.push(extra);
  }
  const seen = new Set<string>();
  for (const field of root) {
    if (seen.has(field.tag)) issues.push(inputIssue("DUPLICATE_TAG", field.tag, `tag ${field.tag} given twice`));
    seen.add(field.tag);
  }
  if (issues.length > 0) return err(issues);
  const body = writeTlv([...root].sort((a, b) => tagNumber(a.tag) - tagNumber(b.tag)));
  if (!body.ok) return err([inputIssue("VALUE_TOO_LONG", body.error.tag, body.error.message)]);
  const withCrcTag = `${body.value}6304`;
  const payload = `${withCrcTag}${crc16Hex(withCrcTag)}`;
  const check = decodeQr(payload);
  if (!check.ok) return err(check.error);
  if (check.value.warnings.length > 0) return err(check.value.warnings);
  return ok(payload);
}
