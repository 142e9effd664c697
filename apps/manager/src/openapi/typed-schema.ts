import type { z } from 'zod';

/**
 * `typed<JobDetail>()(schema)` answers `schema` and compiles only when the schema's output
 * type and `T` are the same type (each assignable to the other). The response schemas of
 * the OpenAPI document are written against the wire types this way, so a field added to,
 * removed from or retyped in `@chaconne/contracts` breaks the build until the docs follow.
 * (A mismatch shows up as "Expected 1 arguments, but got 2"-style errors on the call, or
 * as the schema not satisfying `ZodType<T>`.)
 */
export const typed =
  <T>() =>
  <S extends z.ZodType<T>>(schema: S, ..._exact: [T] extends [z.output<S>] ? [] : [mismatch: never]): S =>
    schema;
