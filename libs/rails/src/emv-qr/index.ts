export {
  PIX_GUID,
  type AdditionalData,
  type MerchantAccount,
  type MerchantAccountInput,
  type MerchantQr,
  type MerchantQrInput,
  type PixAccount,
  type PixRecurrence,
  type QrField,
  type QrIssue,
  type QrRule,
} from "./types.js";
export { PIX_MAX_LENGTH, decodeQr } from "./decode.js";
export { encodeQr } from "./encode.js";
