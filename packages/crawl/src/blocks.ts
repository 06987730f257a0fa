import { HTML_PARAGRAPH_TAGS } from "@soro/core";
import { RUSSIAN_FUNCTION_WORDS, TAJIK_FUNCTION_WORDS } from "@soro/normalize";

/** The DOM shape walked here (htmlparser2 nodes), kept structural so no DOM package types are needed. */
export interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
  parent?: DomNode | null;
}

/** Elements whose content is never shown as text. */
const INVISIBLE = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "canvas",
  "iframe",
  "object",
  "embed",
  "button",
  "select",
  "textarea",
  "input",
  "title",
  "meta",
  "link",
]);

/** Elements that hold site chrome in semantic markup. */
const CHROME_TAGS = new Set(["nav", "aside", "footer", "menu", "dialog", "header", "form"]);

/** Class/id words of boilerplate containers: menus, banners, share widgets, comments, cookie notices. */
const CHROME_CLASS =
  /(^|[\s_-])(nav|navbar|navigation|menu|menubar|footer|sidebar|side-bar|breadcrumbs?|cookies?|consent|gdpr|banner|share|sharing|social|comments?|disqus|related|recommended|advert|ads|adv|promo|popup|modal|subscribe|newsletter|widget|pagination|pager|tags|tagcloud|toolbar|skip|login|search|meta|byline|author|copyright|teaser|footnote|masthead|header|caption|hidden|print|rating|vote|shop|sponsor)($|[\s_-])/i;

/** Class/id words of main-text containers. */
const CONTENT_CLASS =
  /(^|[\s_-])(article|articlebody|article-body|content|main|post|post-body|entry|entry-content|story|text|body|blog|hentry|page|column|single)($|[\s_-])/i;

const CHROME_ROLES = new Set([
  "navigation",
  "banner",
  "contentinfo",
  "complementary",
  "search",
  "menu",
  "dialog",
]);

/** Elements that end a line of text: paragraph-level ones, plus list items, table cells and rows, and `<br>`. */
const BLOCK_TAGS = new Set([
  ...HTML_PARAGRAPH_TAGS,
  "header",
  "footer",
  "nav",
  "aside",
  "li",
  "dt",
  "dd",
  "tr",
  "td",
  "th",
  "br",
  "form",
  "details",
  "summary",
  "caption",
]);

const HEADING = /^h[1-6]$/;
const STOP_WORDS = new Set([...TAJIK_FUNCTION_WORDS, ...RUSSIAN_FUNCTION_WORDS]);

/** A line of the page with what the scorer looks at. */
export interface Block {
  text: string;
  /** Characters inside links. */
  linkChars: number;
  tag: string;
  heading: boolean;
  /** Element depth from the body. */
  depth: number;
  /** Inside semantic chrome (nav, aside, footer, header, form, menu) or an ARIA chrome role. */
  chromeTag: boolean;
  /** Inside an element whose class or id names chrome (and not also main text). */
  chromeClass: boolean;
  /** Inside an element that names main text (`article`, `main`, itemprop articleBody, a content class). */
  contentHint: boolean;
  /** The path of tag names from the body, for repeated-template detection across a site. */
  path: string;
  /** The elements above the block, nearest last (for container scoring). */
  ancestors: DomNode[];
}

/** Whether an element is hidden from readers. */
function hidden(a: Record<string, string>): boolean {
  return a.hidden !== undefined || a["aria-hidden"] === "true" || /display\s*:\s*none/i.test(a.style ?? "");
}

/** Walks a page's body into blocks with the context each one sits in. Invisible and hidden subtrees are skipped. */
export function pageBlocks(body: DomNode): Block[] {
  const blocks: Block[] = [];
  const stack: DomNode[] = [];
  const names: string[] = [];
  let chromeTag = 0;
  let chromeClass = 0;
  let content = 0;
  let text = "";
  let linkChars = 0;
  let heading = false;
  let blockTag = "body";
  const flush = () => {
    const t = text.replace(/\s+/g, " ").trim();
    if (t)
      blocks.push({
        text: t,
        linkChars: Math.min(linkChars, t.length),
        tag: blockTag,
        heading,
        depth: stack.length,
        chromeTag: chromeTag > 0,
        chromeClass: chromeClass > 0,
        contentHint: content > 0,
        path: names.join(">"),
        ancestors: stack.slice(),
      });
    text = "";
    linkChars = 0;
    heading = false;
  };
  const walk = (node: DomNode, inLink: boolean) => {
    if (node.type === "text") {
      const t = node.data ?? "";
      text += t;
      if (inLink) linkChars += t.trim().length;
      return;
    }
    // Comments, directives, and script and style elements (their own node types in htmlparser2) hold no shown text.
    if (node.type !== "tag" && node.type !== "root") return;
    const name = node.name ?? "";
    const a = node.attribs ?? {};
    if (node.type === "tag" && (INVISIBLE.has(name) || hidden(a))) return;
    const block = BLOCK_TAGS.has(name);
    if (block) flush();
    const role = a.role?.toLowerCase() ?? "";
    const cls = `${a.class ?? ""} ${a.id ?? ""}`;
    const isChromeTag = CHROME_TAGS.has(name) || CHROME_ROLES.has(role);
    const isContent =
      name === "article" ||
      name === "main" ||
      role === "main" ||
      a.itemprop === "articleBody" ||
      CONTENT_CLASS.test(cls);
    const isChromeClass = !isContent && CHROME_CLASS.test(cls);
    if (isChromeTag) chromeTag++;
    if (isChromeClass) chromeClass++;
    if (isContent) content++;
    stack.push(node);
    names.push(name);
    const prevTag = blockTag;
    if (block) blockTag = name;
    if (HEADING.test(name)) heading = true;
    const link = inLink || name === "a";
    for (const child of node.children ?? []) walk(child, link);
    if (block) flush();
    blockTag = prevTag;
    stack.pop();
    names.pop();
    if (isChromeTag) chromeTag--;
    if (isChromeClass) chromeClass--;
    if (isContent) content--;
  };
  walk(body, false);
  flush();
  return blocks;
}

const WORD = /[\p{L}\p{N}]+/gu;
const PUNCT = /[.,;:!?«»"“”„()—–-]/g;

/** Word-level shares of a block: stop-words (Tajik and Russian lists) and short words (≤ 3 letters, any language). */
export function wordShares(text: string): { words: number; stop: number; short: number } {
  const words = text.toLowerCase().match(WORD) ?? [];
  let stop = 0;
  let short = 0;
  for (const w of words) {
    if (STOP_WORDS.has(w)) stop++;
    if (w.length <= 3) short++;
  }
  const n = words.length || 1;
  return { words: words.length, stop: stop / n, short: short / n };
}

/** Share of a text's characters that are punctuation. */
export function punctShare(text: string): number {
  return (text.match(PUNCT)?.length ?? 0) / (text.length || 1);
}
