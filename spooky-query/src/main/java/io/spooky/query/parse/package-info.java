/**
 * Lexer and recursive-descent parser for the live-view subset of SurrealQL. The entry point is
 * {@link io.spooky.query.parse.SurqlParser#parse}; every failure is a {@link
 * io.spooky.query.parse.SurqlParseException} with a line and column.
 */
package io.spooky.query.parse;
