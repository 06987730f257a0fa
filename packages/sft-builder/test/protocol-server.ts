import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatMessage } from "../src/index.js";

/** One chat request as the server saw it. */
export interface SeenRequest {
  /** Hash of the request's messages, to tell prompts apart. */
  hash: string;
  messages: ChatMessage[];
  model: string;
}

/** What to do with a request: answer normally, or misbehave. */
export type Misbehaviour =
  | { kind: "ok" }
  | { kind: "status"; status: number; retryAfter?: string }
  | { kind: "malformed" }
  | { kind: "hang" };

/**
 * The teacher's answer to a generation prompt: a dialogue in the templates' layout, built from the seed text in
 * the prompt (so every prompt gets its own real Tajik answer).
 */
export function teacherReply(messages: ChatMessage[]): string {
  const prompt = messages.at(-1)?.content ?? "";
  const seed = prompt.split("Матн:\n")[1] ?? prompt;
  const lines = seed.split("\n").filter((l) => l.trim().length > 0);
  const first = lines.find((l) => l.length > 40) ?? lines[0] ?? "";
  return `Хонанда: Муаллим, ин ҷумларо фаҳмонед: «${first.slice(0, 160)}»\nМуаллим: ${lines.join(" ")}`;
}

/** A local server speaking the OpenAI chat-completions protocol; `misbehave` decides per request. */
export async function startProtocolServer(
  misbehave: (req: SeenRequest, n: number) => Misbehaviour = () => ({ kind: "ok" }),
  reply: (messages: ChatMessage[]) => string = teacherReply,
): Promise<{ url: string; seen: SeenRequest[]; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const json = JSON.parse(body) as { model: string; messages: ChatMessage[] };
    const r: SeenRequest = {
      hash: createHash("sha256").update(JSON.stringify(json.messages)).digest("hex").slice(0, 16),
      messages: json.messages,
      model: json.model,
    };
    seen.push(r);
    const what = misbehave(r, seen.length);
    if (what.kind === "hang") {
      hanging.add(res);
      return;
    }
    if (what.kind === "status") {
      res
        .writeHead(what.status, what.retryAfter ? { "retry-after": what.retryAfter } : {})
        .end('{"error":"busy"}');
      return;
    }
    if (what.kind === "malformed") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end('{"choices": [{"message": {"content": "Муал');
      return;
    }
    const content = reply(json.messages);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: `chatcmpl-${seen.length}`,
        object: "chat.completion",
        model: json.model,
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: {
          prompt_tokens: Math.ceil(body.length / 4),
          completion_tokens: Math.ceil(content.length / 4),
          total_tokens: 0,
        },
      }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
