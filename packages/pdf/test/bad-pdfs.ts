/** Small hand-made broken PDFs for the bad-input tests (bytes, not fixtures: each is a few hundred bytes). */

/** Assembles a PDF from object bodies with a correct cross-reference table. */
function assemble(objects: string[], root = 1): Buffer {
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${root} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** A well-formed PDF whose page tree has no pages. */
export function zeroPagePdf(): Buffer {
  return assemble(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]);
}

/** A one-page PDF whose page dictionary holds arrays nested `depth` deep (a parser-recursion bomb). */
export function nestingBombPdf(depth = 200_000): Buffer {
  const bomb = `${"[".repeat(depth)}${"]".repeat(depth)}`;
  return assemble([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Bomb ${bomb} >>`,
  ]);
}

/** Bytes that only pretend to be a PDF. */
export function notAPdf(): Buffer {
  return Buffer.from("%PDF-1.7\nthis is not a PDF at all\n%%EOF\n", "latin1");
}
