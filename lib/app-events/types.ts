// The events the app's backend sends, as the console accepts them (see lib/ingest/app-schemas.ts).
export type SupportContext = {
  platform?: string;
  osVersion?: string;
  appVersion?: string;
  device?: string;
  screen?: string;
  locale?: string;
};

export type AppEventInput = { id?: string; created?: string } & (
  | {
      type: "user.signed_up";
      data: { userId: string; email: string; name?: string; createdAt?: string; emailVerified?: boolean };
    }
  | { type: "user.updated"; data: { userId: string; email?: string; name?: string; emailVerified?: boolean } }
  | {
      type: "support.requested";
      data: {
        requestId: string;
        userId: string;
        email: string;
        subject: string;
        message: string;
        context?: SupportContext;
      };
    }
);
