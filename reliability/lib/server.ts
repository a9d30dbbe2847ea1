// One `next start` of the suite's build: started, killed with SIGKILL and restarted on the same port and
// database. Its output goes to a log file (named in the report when something fails), not the terminal.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { SERVER_COMMAND, waitForHttp } from "../../scripts/lib/next-server";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export class AppServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the production server (server.ts) and waits for /api/health; answers the milliseconds it took. */
  async start(timeoutMs = 120_000): Promise<number> {
    if (this.running) return 0;
    const started = Date.now();
    const out = fs.openSync(this.logFile, "a");
    fs.writeSync(out, `\n--- server.ts on :${this.port} at ${new Date().toISOString()} ---\n`);
    const child = spawn(process.execPath, [...SERVER_COMMAND, "-p", String(this.port), "-H", "127.0.0.1"], {
      stdio: ["ignore", out, out],
      env: { ...this.env, NODE_ENV: "production", AUTH_TRUST_HOST: "true", NEXT_TELEMETRY_DISABLED: "1" },
    });
    fs.closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    await waitForHttp(`${this.url}/api/health`, timeoutMs, child);
    return Date.now() - started;
  }

  /** kill -9: no shutdown hooks, no `after()` work finished, in-flight requests cut. */
  async kill9(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  async stop(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
