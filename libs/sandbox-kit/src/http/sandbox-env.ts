import type { ParseJsonResult } from "../json/lossless-json.js";

export interface RequestBody {
  readonly raw: string;
  readonly parsed: ParseJsonResult;
}

/** The Hono environment of a sandbox app: the body is read once, losslessly, by readBody(). */
export interface SandboxEnv {
  Variables: {
    body: RequestBody;
  };
}
