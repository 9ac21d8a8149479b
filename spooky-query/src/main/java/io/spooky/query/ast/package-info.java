/**
 * The syntax tree of the SurrealQL {@code SELECT} subset that live views support.
 *
 * <p>Every node is an immutable {@code record}; closed hierarchies are {@code sealed} interfaces to
 * be consumed with exhaustive {@code switch} patterns. Nodes carry no source positions, so two
 * structurally equal expressions are {@code equals} wherever they were written: the parser reports
 * every positional error (syntax, unsupported constructs and the semantic checks) before it returns
 * a tree. A tree returned by {@link io.spooky.query.parse.SurqlParser} has passed those checks.
 *
 * <p>Compatibility: this package is the contract between the parser, the one-shot evaluator and the
 * incremental view engine. It only grows: new node types or new enum constants may be added;
 * existing components are never removed or reinterpreted.
 */
package io.spooky.query.ast;
