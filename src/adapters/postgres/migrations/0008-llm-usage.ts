/**
 * One row per language-model call: what it cost and how it went, for the per-day and
 * per-conversation caps and for cost reports. The turn's transcript message keeps the prompt
 * id and version, the raw answer and the validated result; this table keeps the numbers.
 */
export const sql = `
CREATE TABLE llm_usage (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id uuid REFERENCES conversations(id),
  at              timestamptz NOT NULL,
  purpose         text NOT NULL CHECK (purpose IN ('understand', 'answer', 'rephrase')),
  prompt_id       text,
  prompt_version  integer,
  model           text,
  status          text NOT NULL,
  input_tokens    integer NOT NULL CHECK (input_tokens >= 0),
  output_tokens   integer NOT NULL CHECK (output_tokens >= 0),
  cost_micro_usd  bigint NOT NULL CHECK (cost_micro_usd >= 0),
  latency_ms      integer NOT NULL CHECK (latency_ms >= 0)
);
CREATE INDEX llm_usage_at ON llm_usage (at);
CREATE INDEX llm_usage_conversation ON llm_usage (conversation_id, at);
`;
