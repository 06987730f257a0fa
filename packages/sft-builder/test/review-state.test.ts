import { describe, expect, it } from "vitest";
import { startReviewServer } from "../src/index.js";
import { Client, PASSWORDS, reviewWorkspace } from "./review-fixtures.js";

async function signedIn(url: string, name: keyof typeof PASSWORDS): Promise<Client> {
  const c = new Client(url);
  expect((await c.login(name, PASSWORDS[name])).status).toBe(200);
  return c;
}

describe("review state held in memory", () => {
  it("has each save in the catalog when it is answered, and a new server resumes from the catalog", async () => {
    const { catalog, samples } = await reviewWorkspace(4);
    let server = await startReviewServer({ catalog, overlap: 2 });
    try {
      const rustam = await signedIn(server.url, "rustam");
      let reviewed = 0;
      for (;;) {
        const view = (await rustam.call("POST", "/api/next", {})).data.view;
        if (!view) break;
        const res = await rustam.call("POST", `/api/samples/${view.sample.sample_id}/review`, {
          version: view.sample.version,
          decision: "accept",
          rating: 4,
        });
        expect(res.status).toBe(200);
        // Answered means committed: the catalog already holds the review.
        const stored = await server.serial.run((c) =>
          c.rows("SELECT decision FROM sft_review_reviews WHERE sample_id = $1 AND username = 'rustam'", [
            view.sample.sample_id,
          ]),
        );
        expect(stored).toEqual([{ decision: "accept" }]);
        reviewed++;
      }
      expect(reviewed).toBe(samples);
      const parvina = await signedIn(server.url, "parvina");
      const v = (await parvina.call("POST", "/api/next", {})).data.view;
      const messages = v.sample.messages.map((m: { role: string; content: string }, i: number) =>
        i === 1 ? { role: m.role, content: `${m.content} Тасҳеҳ.` } : m,
      );
      const saved = await parvina.call("POST", `/api/samples/${v.sample.sample_id}/review`, {
        version: v.sample.version,
        decision: "accept",
        messages,
      });
      expect(saved.data.view.sample).toMatchObject({ status: "accepted", version: 3 });
      await server.close();

      const count = async (sql: string) => Number((await catalog.rows(sql))[0]!.n);
      expect(await count("SELECT count(*) AS n FROM sft_review_reviews")).toBe(samples + 1);
      expect(
        await count(
          "SELECT count(*) AS n FROM sft_review_assignments JOIN sft_review_reviews USING (sample_id, username)",
        ),
      ).toBe(samples + 1);
      expect(await count("SELECT count(*) AS n FROM sft_review_originals")).toBe(1);
      const row = (
        await catalog.rows("SELECT status, version, messages FROM sft_samples WHERE sample_id = $1", [
          v.sample.sample_id,
        ])
      )[0]!;
      expect([row.status, row.version]).toEqual(["accepted", 3]);
      expect(JSON.parse(String(row.messages))[1].content).toMatch(/Тасҳеҳ\.$/);
      const actions = await catalog.rows(
        "SELECT action FROM sft_review_audit WHERE sample_id = $1 ORDER BY audit_id",
        [v.sample.sample_id],
      );
      expect(actions.map((a) => a.action)).toEqual([
        "assign",
        "review",
        "assign",
        "edit",
        "review",
        "status",
      ]);

      // A new server reads the state back: Parvina gets the next sample that still needs her, not the decided one.
      server = await startReviewServer({ catalog, overlap: 2 });
      const again = await signedIn(server.url, "parvina");
      const next = (await again.call("POST", "/api/next", {})).data.view;
      expect(next.sample.sample_id).not.toBe(v.sample.sample_id);
      expect(next.reviewCount).toBe(1);
      const decided = (await again.call("GET", `/api/samples/${v.sample.sample_id}`)).data;
      expect(decided.original[1].content).not.toMatch(/Тасҳеҳ/);
      expect(decided.mine).toMatchObject({ decision: "accept", edited: true, sample_version: 2 });
    } finally {
      await server.close();
      catalog.close();
    }
  });
});
