/**
 * HTML elements that set their text apart as a paragraph of its own, shared by the crawler's and the importer's
 * main-text extractors so that both split a page at the same places; each adds the finer breaks it wants.
 */
export const HTML_PARAGRAPH_TAGS: ReadonlySet<string> = new Set([
  "address",
  "article",
  "blockquote",
  "div",
  "dl",
  "figcaption",
  "figure",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "main",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "ul",
]);
