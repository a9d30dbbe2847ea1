// Shared values for the browser tests: the demo owner's credentials and where the signed-in state lives.
export const OWNER = {
  email: process.env.ADMIN_EMAIL ?? "founder@demo.test",
  password: process.env.ADMIN_PASSWORD ?? "demo-password",
};
export const OWNER_STATE = "e2e/.auth/owner.json";
