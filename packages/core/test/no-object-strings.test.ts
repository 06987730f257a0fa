import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/**
 * Places in library and CLI sources where a value is turned into text (template literals, String(x), "a" + x)
 * and its type can only print as "[object Object]": an object type whose toString is Object's own and that is not
 * an Error (which prints its message). `unknown`, `any` and unions with primitives are left to describeError at
 * the catch sites (the `first: [object Object]` of a failed stage was a plain object of this kind).
 */
function objectToStringSites(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  )!;
  const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const errorType = checker.getTypeOfSymbol(
    checker.resolveName("Error", undefined, ts.SymbolFlags.Value, false)!,
  );
  const errorInstance = checker
    .getSignaturesOfType(errorType, ts.SignatureKind.Construct)[0]!
    .getReturnType();
  const printsObject = (type: ts.Type): boolean => {
    // A union with a text-like member (a DuckDB value, parsed JSON) is data, not an object by mistake.
    if (type.isUnion()) {
      const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
      return members.length > 0 && members.every(printsObject);
    }
    if (!(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.NonPrimitive))) return false;
    // `{}` (what `unknown ?? ""` or a narrowed `unknown` becomes) is any non-null value, not an object by mistake.
    if (type.flags & ts.TypeFlags.Object && checker.getPropertiesOfType(type).length === 0) return false;
    if (checker.isTypeAssignableTo(type, errorInstance)) return false;
    const decl = checker.getPropertyOfType(type, "toString")?.declarations?.[0];
    if (!decl) return true;
    const owner = decl.parent;
    return (
      ts.isInterfaceDeclaration(owner) && owner.name.text === "Object" && decl.getSourceFile().hasNoDefaultLib
    );
  };
  const sites: string[] = [];
  for (const sf of program.getSourceFiles()) {
    const rel = path.relative(ROOT, sf.fileName);
    if (!/^packages\/[^/]+\/src\//.test(rel) || rel.endsWith(".test.ts")) continue;
    const check = (expr: ts.Expression) => {
      if (printsObject(checker.getTypeAtLocation(expr))) {
        const { line } = sf.getLineAndCharacterOfPosition(expr.getStart());
        sites.push(`${rel}:${line + 1}: ${expr.getText()}`);
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateSpan(node)) check(node.expression);
      else if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === "String"
      )
        node.arguments.forEach(check);
      else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        const stringy = (e: ts.Expression) =>
          !!(checker.getTypeAtLocation(e).flags & ts.TypeFlags.StringLike);
        if (stringy(node.left)) check(node.right);
        else if (stringy(node.right)) check(node.left);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return sites;
}

describe("error and log text", () => {
  it("never interpolates an object that would print as [object Object]", () => {
    expect(objectToStringSites()).toEqual([]);
  }, 240_000);
});
