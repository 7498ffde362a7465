// Go-typed function signatures: how arguments are checked and how literals convert, as Go's
// reflection-based calls do. Functions without a spec take any arguments.

/** A Go parameter type the executor can check: `any` is interface{}. */
export type GoParam = 'any' | 'string' | 'float64' | 'int' | 'bool' | '[]string';

export interface GoFuncSpec {
  /** Fixed parameters. */
  params: readonly GoParam[];
  /** Type of the variadic tail, when the function is variadic. */
  variadic?: GoParam;
  /** Called with the checked arguments; throwing an Error is Go's non-nil error result. */
  fn: (...args: any[]) => unknown;
  /** Call `fn` with `this` = {@link StaticTypes} (for error messages that name Go's static types). */
  staticTypes?: boolean;
}

/** Go's static type of each argument where it differs from the value's own (`interface {}`). */
export interface StaticTypes {
  staticTypes: readonly (string | undefined)[];
}

const SPEC = Symbol.for('phoenix-alerting.template-func-spec');

/** Attaches a Go signature to a function, for Go's argument count and type errors. */
export function goFunc(
  params: readonly GoParam[],
  fn: (...args: any[]) => unknown,
  variadic?: GoParam,
): GoFuncSpec {
  const spec: GoFuncSpec = variadic ? { params, variadic, fn } : { params, fn };
  (fn as unknown as Record<symbol, GoFuncSpec>)[SPEC] = spec;
  return spec;
}

export function specOf(fn: (...args: any[]) => unknown): GoFuncSpec {
  return (
    (fn as unknown as Record<symbol, GoFuncSpec | undefined>)[SPEC] ?? {
      params: [],
      variadic: 'any',
      fn,
    }
  );
}

export function paramTypeName(param: GoParam): string {
  return param === 'any' ? 'interface {}' : param;
}
