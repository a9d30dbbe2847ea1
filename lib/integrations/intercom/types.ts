// The parts of Intercom's contact and conversation objects this client reads.
export type ContactRow = { id: string; external_id?: string | null; email?: string | null; role?: string };
export type ConversationRow = {
  id: string;
  created_at?: number;
  state?: string;
  custom_attributes?: Record<string, unknown>;
  source?: {
    id?: string | number;
    delivered_as?: string;
    body?: string | null;
    author?: { type?: string; id?: string | number };
  };
  contacts?: { contacts?: Array<{ id: string }> };
  conversation_parts?: {
    conversation_parts?: Array<{ part_type?: string; body?: string | null; author?: { type?: string; id?: string } }>;
  };
};
