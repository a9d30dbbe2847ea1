import { afterAll } from "vitest";
import { closeTestTemplate } from "@/db/test-db";

afterAll(async () => {
  await closeTestTemplate();
});
