// Intercom through the official intercom-client (placeholder until issue 14's Intercom slice lands).
export type IntercomConfig = { token: string; baseUrl?: string; timeoutMs?: number };

export class IntercomService {
  constructor(readonly config: IntercomConfig) {}
}
