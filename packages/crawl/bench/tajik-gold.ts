// The project's own Tajik gold pages: every UDHR article in Tajik inside three real-world page layouts (news portal,
// old table layout, blog) with Tajik UI strings as boilerplate, and the article text a perfect extractor returns.
import { libreofficeTajikStrings, udhrSections } from "@soro/samples";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A gold page: its HTML and the text a perfect extractor returns. */
export interface Gold {
  html: string;
  gold: string;
}

/** Builds the gold set: every UDHR section in each of three layouts. */
export async function tajikGoldPages(): Promise<Gold[]> {
  const sections = await udhrSections("tgk");
  const ui = libreofficeTajikStrings()
    .map((s) => s.tg)
    .filter((t) => t.length > 4 && t.length < 40 && !/[%$~&<]/.test(t));
  const pick = (i: number, n: number) =>
    Array.from({ length: n }, (_, k) => esc(ui[(i * 7 + k * 13) % ui.length]!));
  const pages: Gold[] = [];
  sections.forEach((s, i) => {
    const body = s.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("\n");
    const menu = pick(i, 8)
      .map((m, k) => `<li><a href="/c/${k}">${m}</a></li>`)
      .join("");
    const gold = [s.heading, ...s.paragraphs].join("\n");
    // A news portal: semantic tags, sidebar of related headlines, share bar, comments, cookie notice.
    pages.push({
      gold,
      html: `<!doctype html><html lang="tg"><head><title>${esc(s.heading)} | Ахбор</title></head><body>
<header><div class="logo">Ахбор</div><nav><ul>${menu}</ul></nav></header>
<div class="cookie-notice">${pick(i + 1, 2).join(" ")}</div>
<main><article><h1>${esc(s.heading)}</h1><div class="meta"><time datetime="2024-05-0${(i % 9) + 1}">0${(i % 9) + 1}.05.2024</time></div>
${body}<div class="share">${pick(i + 2, 3)
        .map((x) => `<a href="#">${x}</a>`)
        .join(" ")}</div></article>
<section class="comments"><h3>Шарҳҳо</h3>${pick(i + 3, 3)
        .map((x) => `<div class="comment"><p>${x}</p></div>`)
        .join("")}</section></main>
<aside class="sidebar"><h3>Хабарҳои дигар</h3><ul>${pick(i + 4, 6)
        .map((x, k) => `<li><a href="/n/${k}">${x}</a></li>`)
        .join("")}</ul></aside>
<footer><p>© 2024 Ахбор. ${pick(i + 5, 2).join(" ")}</p></footer></body></html>`,
    });
    // An old table-layout site: no semantic tags, menus in table cells, text in a content cell.
    pages.push({
      gold,
      html: `<html><head><title>${esc(s.heading)}</title></head><body><table width="100%"><tr><td colspan="2">${pick(
        i + 6,
        4,
      )
        .map((x) => `<a href="/m">${x}</a>`)
        .join(" | ")}</td></tr>
<tr><td width="200" valign="top">${pick(i + 7, 8)
        .map((x) => `<a href="/l">${x}</a><br>`)
        .join("")}</td><td valign="top"><h2>${esc(s.heading)}</h2>${body}</td></tr>
<tr><td colspan="2"><small>${pick(i + 8, 2).join(" · ")} © 2009</small></td></tr></table></body></html>`,
    });
    // A blog: div soup with classes, related posts and a tag cloud after the post.
    pages.push({
      gold,
      html: `<html lang="tg"><head><title>${esc(s.heading)}</title></head><body><div id="top-menu">${menu}</div>
<div class="container"><div class="post"><h2 class="post-title">${esc(s.heading)}</h2><div class="post-body">${body}</div></div>
<div class="related-posts"><h4>${pick(i + 9, 1)[0]}</h4>${pick(i + 10, 4)
        .map((x) => `<div><a href="/p">${x}</a></div>`)
        .join("")}</div>
<div class="tags">${pick(i + 11, 6)
        .map((x) => `<a href="/t">${x}</a>`)
        .join(" ")}</div></div><div id="footer">${pick(i + 12, 3).join(" ")}</div></body></html>`,
    });
  });
  return pages;
}
