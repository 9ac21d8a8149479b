package io.spooky.core.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StringValue} keeps the contract of the record it replaced, and its ASCII check. */
class StringValueTest {
  @Test
  void behavesLikeTheRecordItReplaced() {
    StringValue a = new StringValue("tobie");
    StringValue b = new StringValue(new String("tobie".toCharArray()));
    assertThat(a.value()).isEqualTo("tobie");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(new StringValue("Tobie"));
    assertThat(a.hashCode()).isEqualTo("tobie".hashCode());
    assertThat(a.toString()).isEqualTo("tobie");
    assertThat(a).isNotEqualTo("tobie");
    assertThat(a.isAscii()).isTrue();
    assertThat(a).isEqualTo(b);
    assertThatThrownBy(() -> new StringValue(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void isAsciiOnlyWhenEveryCharIsBelow0x80() {
    String pad = "x".repeat(40);
    for (String s : List.of("", "a", "?", "a?b", pad, pad + "?", "\u007f" + pad)) {
      assertThat(new StringValue(s).isAscii()).as(s).isTrue();
    }
    for (String s :
        List.of(
            "é",
            "\u0080",
            "a\uD800",
            "\uD83D\uDE00",
            pad + "é",
            pad + "\uD800",
            "?" + pad + "\uDC00",
            "\u00ff" + pad)) {
      assertThat(new StringValue(s).isAscii()).as(s).isFalse();
    }
  }

  @Test
  void utf8IsStrict() {
    assertThat(StringValue.utf8("héllo")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
    assertThat(StringValue.utf8("a?\uD83D\uDE00"))
        .isEqualTo("a?\uD83D\uDE00".getBytes(StandardCharsets.UTF_8));
    for (String bad : List.of("\uD800", "a\uDC00?", "x".repeat(50) + "\uD800")) {
      assertThatThrownBy(() -> StringValue.utf8(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
