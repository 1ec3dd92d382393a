import type { ParseJsonResult } from "../json/lossless-json.js";

export interface RequestBody {
  readonly raw: string;
  readonly parsed: ParseJsonResult;
}

export interface SandboxEnv {
  Variables: {
    body: RequestBody;
  };
}
