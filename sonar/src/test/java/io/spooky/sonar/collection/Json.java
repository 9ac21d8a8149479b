package io.spooky.sonar.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

final class Json {
  private static final ObjectMapper M = new ObjectMapper();

  private Json() {}

  /** Parses JSON written with single quotes for readability. */
  static JsonNode json(String s) {
    try {
      return M.readTree(s.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
