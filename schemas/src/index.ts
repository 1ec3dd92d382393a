export * from "./generated/index.js";
export { parseDocuments, standaloneSchema } from "./catalog.js";
export type { NamedTypes, SchemaDocument } from "./catalog.js";
export { createLocalCodec, createRegistryCodec, DecodeError, EncodeError } from "./codec.js";
export type { Codec, DecodedRecord, RegistryCodecOptions } from "./codec.js";
export { checkBackward } from "./compat.js";
export { topics } from "./topics.js";
export type { RielTopics, TopicKey, TopicName, TopicRecord, Topics, TopicSpec, Typed } from "./topics.js";

import { parseDocuments } from "./catalog.js";
import { schemaDocuments } from "./generated/index.js";

/** Every Avro type of Riel, parsed once. */
export const catalog = parseDocuments(schemaDocuments);
export { deterministicId, envelopeFor } from "./envelope.js";
