import { Hono } from "hono";
import type { SandboxEnv } from "../http/sandbox-env.js";
import type { SandboxReports } from "./reports.js";

/** Test observability under /__sandbox; no bearer token (the sandbox is for local use). */
export function adminRoutes(reports: SandboxReports): Hono<SandboxEnv> {
  const admin = new Hono<SandboxEnv>();
  admin.get("/orders", (c) => c.json({ orders: reports.listOrders() }));
  admin.get("/orders/:order_id", (c) => {
    const report = reports.order(c.req.param("order_id"));
    if (report === undefined) return c.json({ statusCode: 404, message: "order not found" }, 404);
    return c.json(report);
  });
  admin.get("/calls", (c) => c.json(reports.calls()));
  return admin;
}
