// Types of dom.js that JSDoc cannot spell (a recursive alias).

/** What an element's children may be: nodes, text, nothing, or lists of these, nested. */
export type Child = Node | string | number | null | undefined | false;
export type Children = Child | readonly Children[];
