// Runs once when the server starts (Node.js runtime only): see lib/http/server-start.ts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/http/server-start");
    await startServer();
  }
}
