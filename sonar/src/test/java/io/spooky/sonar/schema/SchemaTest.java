package io.spooky.sonar.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spooky.sonar.record.MalformedAddressException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SchemaTest {
  private static JsonNode json(String s) {
    try {
      return new ObjectMapper().readTree(s.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static TypeSpec type(String s) {
    return TypeSpec.fromJson(json(s), "ns");
  }

  @Test
  void parsesTypeAddresses() {
    assertThat(TypeAddress.parse("a/b@3#c")).isEqualTo(new TypeAddress("a", "b", 3, "c"));
    assertThat(TypeAddress.parse("b")).isEqualTo(new TypeAddress(null, "b", -1, null));
    assertThat(TypeAddress.parse("b#c")).isEqualTo(new TypeAddress(null, "b", -1, "c"));
    for (String bad : new String[] {"", "a/", "/b", "a/b@", "a/b@x", "a b", "a/b/c", "a#"}) {
      assertThatThrownBy(() -> TypeAddress.parse(bad))
          .as(bad)
          .isInstanceOf(MalformedAddressException.class);
    }
  }

  @Test
  void resolvesHighestVersionNumericallyAndDefaultNamespace() {
    Schema built = Schema.builtin("ns");
    for (int v : new int[] {2, 10, 9}) {
      built = built.with(type("{'name': 'doc', 'version': " + v + "}"), v);
    }
    Schema s = built;
    assertThat(s.resolve("doc").version()).isEqualTo(10);
    assertThat(s.resolve("ns/doc@9").version()).isEqualTo(9);
    assertThat(s.resolveAt("doc", 10).version()).isEqualTo(9);
    assertThat(s.resolveAt("doc", 2)).isNull();
    assertThatThrownBy(() -> s.resolve("other/doc")).isInstanceOf(UnknownTypeException.class);
    assertThatThrownBy(() -> s.resolve("doc@3")).isInstanceOf(UnknownTypeException.class);
  }

  @Test
  void inheritsFieldsThroughRefinesAndValidatesValues() {
    Schema s =
        Schema.builtin("ns")
            .with(type("{'name': 'base', 'fields': {'title': {'type': 'string'}}}"), 1)
            .with(
                type(
                    "{'name': 'post', 'refines': 'base@1', 'fields': {"
                        + "'n': {'type': 'integer'}, 'tags': {'type': 'string', 'multiple': true},"
                        + "'ok': {'type': 'boolean'}, 'x': {'type': 'number'},"
                        + "'o': {'type': 'object'}, 'a': {'type': 'array'}, 'any': {'type': 'any'}}}"),
                2);
    TypeSpec post = s.resolve("post");
    assertThat(s.fields(post)).containsKeys("title", "n", "tags");
    s.validate(
        post,
        json(
            "{'title': 't', 'n': 3, 'tags': ['a'], 'ok': true, 'x': 1.5, 'o': {}, 'a': [1],"
                + " 'any': null}"));
    String[][] bad = {
      {"{'title': 3}", "title"},
      {"{'n': 1.5}", "'n'"},
      {"{'tags': 'a'}", "array"},
      {"{'tags': [1]}", "tags[0]"},
      {"{'nope': 1}", "no field 'nope'"},
      {"{'ok': 'yes'}", "boolean"},
      {"[1]", "JSON object"}
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> s.validate(post, json(b[0])))
          .as(b[0])
          .isInstanceOf(InvalidValueException.class)
          .hasMessageContaining(b[1]);
    }
  }

  @Test
  void rejectsInvalidTypeDefinitions() {
    String[] bad = {
      "{'fields': {}}",
      "{'name': 'x', 'fields': {'f': {'type': 'strng'}}}",
      "{'name': 'x', 'fields': {'f': {'type': 'string', 'index': {'search': {'mode': 'x'}}}}}",
      "{'name': 'x', 'version': -1}",
      "{'name': 'x', 'color': 'red'}",
      "{'name': 'x y'}"
    };
    for (String b : bad) {
      assertThatThrownBy(() -> type(b))
          .as(b)
          .isInstanceOfAny(InvalidValueException.class, MalformedAddressException.class);
    }
    TypeSpec t =
        type(
            "{'name': 'x', 'fields': {'f': {'type': 'string', 'index': {'basic': true,"
                + " 'search': {'mode': 'facet'}}}}}");
    assertThat(TypeSpec.fromJson(t.toJson(), "other")).isEqualTo(t);
  }
}
