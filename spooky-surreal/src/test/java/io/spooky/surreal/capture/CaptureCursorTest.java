package io.spooky.surreal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CaptureCursorTest {
  @Test
  void encodesAndDecodesLosslessly() {
    CaptureCursor c =
        CaptureCursor.empty()
            .with("user", new Versionstamp(117658317683884032L))
            .with("we;ird=na%me", new Versionstamp(7));
    assertThat(c.encode()).startsWith("v1;user=117658317683884032;we%3Bird%3Dna%25me=7");
    assertThat(CaptureCursor.decode(c.encode())).isEqualTo(c);
    assertThat(CaptureCursor.fromBytes(c.toBytes())).isEqualTo(c);
    assertThat(CaptureCursor.decode("v1")).isEqualTo(CaptureCursor.empty());
  }

  @Test
  void rejectsForeignText() {
    for (String bad : new String[] {"", "v2;a=1", "v1;a", "v1;a=x", "v1;a=1;a=2", "v1;a=-5"}) {
      assertThatThrownBy(() -> CaptureCursor.decode(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void versionstampsCarryTheCommitMillisecond() {
    Versionstamp vs = new Versionstamp(117658317683884032L);
    assertThat(vs.epochMillis()).isEqualTo(117658317683884032L >>> 16);
    assertThat(vs.next().compareTo(vs)).isPositive();
  }
}
