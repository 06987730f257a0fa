import { describe, expect, it } from "vitest";
import { documentId, documentMeta, documentSchema, makeDocument } from "../src/index.js";

describe("document", () => {
  it("derives a stable id from origin and text", () => {
    const a = makeDocument({ text: "Ҳар як инсон ҳуқуқ дорад.", source: "web", url: "https://a.tj/1" });
    const b = makeDocument({ text: "Ҳар як инсон ҳуқуқ дорад.", source: "web", url: "https://a.tj/1" });
    const c = makeDocument({ text: "Ҳар як инсон ҳуқуқ дорад.", source: "web", url: "https://b.tj/1" });
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    expect(documentId("x", "o")).toBe(documentId("x", "o"));
  });

  it("rejects empty text and unknown sources with a reason", () => {
    expect(() => makeDocument({ text: "", source: "web" })).toThrow(/text is empty/);
    const bad = documentSchema.safeParse({ id: "0".repeat(32), text: "матн", source: "radio" });
    expect(bad.success).toBe(false);
  });

  it("keeps metadata as a JSON column", () => {
    const d = makeDocument({
      text: "Дарси риёзӣ",
      source: "edu",
      path: "/books/math.txt",
      meta: { subject: "math", grade: 5 },
    });
    expect(documentMeta(d)).toEqual({ subject: "math", grade: 5 });
  });
});
