package io.spooky.surreal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spooky.core.value.ArrayValue;
import io.spooky.core.value.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReversePatchTest {
  private static Value op(String op, String path, Value value) {
    return value == null
        ? Value.object(Map.of("op", Value.of(op), "path", Value.of(path)))
        : Value.object(Map.of("op", Value.of(op), "path", Value.of(path), "value", value));
  }

  /** The reverse patch SurrealDB 3.0.2 wrote for an update (captured from the dev engine). */
  @Test
  void rebuildsTheBeforeImageFromSurrealDbsReversePatch() {
    Value after =
        Value.object(
            Map.of(
                "n",
                    Value.object(
                        Map.of("x", Value.of(1), "y", Value.array(Value.of(1), Value.of(3)))),
                "s", Value.of("hello brave world this is a long string!"),
                "u", Value.of(5)));
    ArrayValue ops =
        Value.array(
            op("remove", "/u", null),
            op("replace", "/n/y/1", Value.of(2)),
            op("add", "/n/y/2", Value.of(3)),
            op(
                "change",
                "/s",
                Value.of(
                    "@@ -3,14 +3,8 @@\n llo \n-brave \n worl\n@@ -30,5 +30,4 @@\n ring\n-!\n")),
            op("add", "/t", Value.of("x")));
    Value before =
        Value.object(
            Map.of(
                "n",
                Value.object(
                    Map.of(
                        "x", Value.of(1), "y", Value.array(Value.of(1), Value.of(2), Value.of(3)))),
                "s",
                Value.of("hello world this is a long string"),
                "t",
                Value.of("x")));
    assertThat(ReversePatch.apply(after, ops)).isEqualTo(before);
  }

  @Test
  void textPatchesCountCodePointsAndDecodePercentEscapes() {
    String patch =
        "@@ -1,11 +1,9 @@\n h\n-%C3%A9\n+e\n llo\n- %F0%9F%98%80\n  bra\n@@ -10,8 +10,31 @@\n ve world\n+ this is a long string!\n";
    assertThat(ReversePatch.applyText("héllo 😀 brave world", patch))
        .isEqualTo("hello brave world this is a long string!");
    assertThat(ReversePatch.applyText("", "@@ -0,0 +1,3 @@\n+a+b\n")).isEqualTo("a+b");
  }

  @Test
  void aPatchThatDoesNotMatchIsRejected() {
    assertThatThrownBy(() -> ReversePatch.applyText("hello", "@@ -1,3 +1,2 @@\n h\n-x\n l\n"))
        .isInstanceOf(ReversePatch.PatchException.class);
    assertThatThrownBy(
            () -> ReversePatch.apply(Value.object(Map.of()), Value.array(op("remove", "/a", null))))
        .isInstanceOf(ReversePatch.PatchException.class);
    assertThatThrownBy(
            () -> ReversePatch.apply(Value.object(Map.of()), Value.array(op("move", "/a", null))))
        .isInstanceOf(ReversePatch.PatchException.class);
  }

  @Test
  void pointersUnescape() {
    assertThat(ReversePatch.pointer("/a~1b/c~0d/0")).containsExactly("a/b", "c~d", "0");
    assertThat(ReversePatch.pointer("")).isEmpty();
  }
}
