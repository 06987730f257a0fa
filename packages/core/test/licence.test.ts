import { describe, expect, it } from "vitest";
import {
  declaredLicence,
  licenceAllowed,
  licenceSql,
  makeDocument,
  spdxFromText,
  spdxFromUrl,
} from "../src/index.js";

describe("licence ids", () => {
  it("reads Creative Commons, CC0, GNU and opensource.org URLs as SPDX ids", () => {
    expect(spdxFromUrl("https://creativecommons.org/licenses/by-sa/4.0/")).toBe("CC-BY-SA-4.0");
    expect(spdxFromUrl("http://creativecommons.org/licenses/by/3.0/de/")).toBe("CC-BY-3.0-DE");
    // A port SPDX does not list falls back to the unported licence.
    expect(spdxFromUrl("//creativecommons.org/licenses/by-nc/3.0/tj/deed.ru")).toBe("CC-BY-NC-3.0");
    expect(spdxFromUrl("https://creativecommons.org/publicdomain/zero/1.0/")).toBe("CC0-1.0");
    expect(spdxFromUrl("https://www.gnu.org/licenses/fdl-1.3.html")).toBe("GFDL-1.3-or-later");
    expect(spdxFromUrl("https://opensource.org/licenses/mit")).toBe("MIT");
    expect(spdxFromUrl("https://example.tj/terms")).toBeNull();
    expect(spdxFromUrl("not a url at all ::")).toBeNull();
  });

  it("reads statements people write, and refuses copyright notices", () => {
    expect(spdxFromText("CC BY-SA 4.0")).toBe("CC-BY-SA-4.0");
    expect(spdxFromText("cc-by-4.0")).toBe("CC-BY-4.0");
    expect(spdxFromText("Apache 2")).toBe("Apache-2.0");
    expect(spdxFromText("LicenseRef-MoE-Tajikistan")).toBe("LicenseRef-MoE-Tajikistan");
    expect(spdxFromText("© 2021 Маориф. Матн таҳти CC BY-NC 4.0")).toBe("CC-BY-NC-4.0");
    expect(spdxFromText("© 2021 Вазорати маориф. Ҳамаи ҳуқуқҳо ҳифз шудаанд")).toBeNull();
    expect(spdxFromText("All rights reserved")).toBeNull();
  });

  it("keeps what was declared as evidence, recognised or not", () => {
    expect(declaredLicence("CC BY 4.0", "--licence")).toEqual({
      licence: "CC-BY-4.0",
      evidence: '--licence: "CC BY 4.0"',
    });
    const odd = declaredLicence("used with the publisher's permission", "sidecar /x/_meta.yaml");
    expect(odd.licence).toBe("unknown");
    expect(odd.evidence).toContain("no SPDX licence recognised");
  });

  it("documents default to unknown; allow lists and SQL treat a missing column as unknown", () => {
    const doc = makeDocument({ text: "Салом", source: "other" });
    expect(doc.licence).toBe("unknown");
    expect(licenceAllowed(null, ["CC-BY-4.0"])).toBe(false);
    expect(licenceAllowed(null, ["unknown"])).toBe(true);
    expect(licenceSql([["id", "text"]])).toBe("'unknown'");
    expect(licenceSql([["id"], ["id", "licence"]], "d")).toBe("coalesce(d.licence, 'unknown')");
  });
});
