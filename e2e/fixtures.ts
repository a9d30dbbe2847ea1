// Shared values for the browser tests: the demo owner's credentials and where the signed-in state lives.
export const OWNER = {
  email: process.env.ADMIN_EMAIL ?? "founder@demo.test",
  password: process.env.ADMIN_PASSWORD ?? "demo-password",
};
export const OWNER_STATE = "e2e/.auth/owner.json";

/** Every console page and its <h1>, for the specs that walk them all (a11y, phone, theme). */
export const CONSOLE_PAGES = [
  { path: "/", heading: "Overview" },
  { path: "/customers", heading: "Customers" },
  { path: "/events", heading: "Events" },
  { path: "/alerts", heading: "Alerts" },
  { path: "/deliveries", heading: "Rejected deliveries" },
  { path: "/drift", heading: "Drift" },
  { path: "/readiness", heading: "Readiness" },
  { path: "/latency", heading: "Latency" },
  { path: "/erasures", heading: "Erasures" },
  { path: "/audit", heading: "Audit log" },
  { path: "/users", heading: "Users" },
  { path: "/account", heading: "Account" },
] as const;
