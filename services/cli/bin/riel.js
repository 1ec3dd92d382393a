#!/usr/bin/env node
// The `riel` operator CLI: TypeScript run through tsx, as every Riel entry point is.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
