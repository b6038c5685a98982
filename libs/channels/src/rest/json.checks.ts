/** Objects and arrays inside one another, at most: deeper bodies are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 64;

/** What is wrong with a parsed JSON value for Parley, if anything. */
export type JsonProblem =
  | { kind: 'depth'; path: string }
  | { kind: 'nul'; path: string }
  | { kind: 'surrogate'; path: string };

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Check a parsed JSON value without recursion (a deep value cannot overflow the stack here): nesting deeper than
 * `MAX_JSON_DEPTH`, and strings (keys included) that PostgreSQL cannot store: U+0000, or a UTF-16 surrogate without
 * its pair (not valid Unicode: `text` refuses it and `jsonb` fails on its escape). `path` names where, as
 * `event.items[3]` (`root` is the value's own name; '' for a request body).
 */
export function jsonProblem(value: unknown, root: string): JsonProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = stringProblem(current, path);
      if (problem) return problem;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return { kind: 'depth', path };
    if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      const problem = stringProblem(key, path ? `${path} (a key)` : 'a key');
      if (problem) return problem;
      stack.push({ value: item, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return undefined;
}

function stringProblem(text: string, path: string): JsonProblem | undefined {
  if (text.includes('\u0000')) return { kind: 'nul', path };
  if (LONE_SURROGATE.test(text)) return { kind: 'surrogate', path };
  return undefined;
}

/** The problem in words, for the error message. */
export function describeJsonProblem(problem: JsonProblem): string {
  const where = problem.path ? `'${problem.path}'` : 'The body';
  switch (problem.kind) {
    case 'depth':
      return `${where} is nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays (the limit).`;
    case 'nul':
      return `${where} must not contain NUL characters.`;
    case 'surrogate':
      return `${where} is not valid Unicode (a UTF-16 surrogate without its pair).`;
  }
}
