// @ts-check
// PocketBase serializes every handler to source text and re-runs it in a pooled VM, so a
// handler can see globals only. This check proves that for a built registration file by
// requiring the file scope to hold nothing a handler could capture: every top-level statement
// must be a registration call whose handlers are inline function expressions.
import { parse } from "acorn";

/** Functions PocketBase binds in the hooks loader VM. */
const REGISTRARS = /^(on[A-Z]\w*|routerAdd|routerUse|cronAdd|cronRemove)$/;

/**
 * @param {string} source the built registration file (e.g. pb_hooks/main.pb.js)
 * @returns {string[]} problems; empty when every handler is self-contained
 */
export function findFileScopeProblems(source) {
  /** @type {import("acorn").Program} */
  let program;
  try {
    program = parse(source, { ecmaVersion: 2022, sourceType: "script", locations: true });
  } catch (err) {
    return [`cannot parse: ${/** @type {Error} */ (err).message}`];
  }
  /** @type {string[]} */
  const problems = [];
  for (const stmt of program.body) {
    const at = `line ${stmt.loc?.start.line}`;
    if (stmt.type === "ExpressionStatement" && stmt.directive) continue; // "use strict"
    if (stmt.type !== "ExpressionStatement" || stmt.expression.type !== "CallExpression") {
      problems.push(`${at}: top-level ${stmt.type} puts a binding at file scope`);
      continue;
    }
    const call = stmt.expression;
    if (call.callee.type !== "Identifier" || !REGISTRARS.test(call.callee.name)) {
      problems.push(`${at}: top-level call is not a hook/route/cron registration`);
      continue;
    }
    for (const arg of call.arguments) {
      if (arg.type === "ArrowFunctionExpression" || arg.type === "FunctionExpression") continue;
      if (arg.type === "Literal" || arg.type === "TemplateLiteral") continue; // paths, tags, ids
      if (arg.type === "CallExpression" && isGlobalMiddleware(arg)) continue;
      if (arg.type === "NewExpression" && isInlineMiddleware(arg)) continue;
      problems.push(
        `${at}: ${call.callee.name} argument ${arg.type} is not an inline function or literal`,
      );
    }
  }
  return problems;
}

/** `$apis.requireAuth()`-style middlewares are native Go handlers: safe to pass as values. */
function isGlobalMiddleware(/** @type {import("acorn").CallExpression} */ call) {
  const callee = call.callee;
  return (
    callee.type === "MemberExpression" &&
    callee.object.type === "Identifier" &&
    callee.object.name === "$apis" &&
    call.arguments.every((a) => a.type === "Literal")
  );
}

/**
 * `new Middleware(<inline function>, <priority>, <id>)`: PocketBase serializes the function like
 * any handler; the priority and id must be literals (a negative priority is a unary minus).
 */
function isInlineMiddleware(/** @type {import("acorn").NewExpression} */ expr) {
  const [func, ...rest] = expr.arguments;
  return (
    expr.callee.type === "Identifier" &&
    expr.callee.name === "Middleware" &&
    (func?.type === "ArrowFunctionExpression" || func?.type === "FunctionExpression") &&
    rest.length <= 2 &&
    rest.every(isLiteral)
  );
}

/** A literal, or a negated numeric literal. */
function isLiteral(/** @type {import("acorn").Node} */ node) {
  if (node.type === "Literal") return true;
  const unary = /** @type {import("acorn").UnaryExpression} */ (node);
  return (
    node.type === "UnaryExpression" && unary.operator === "-" && unary.argument.type === "Literal"
  );
}
