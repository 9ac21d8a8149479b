package io.spooky.ivm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IvmWorkloadTest {
  @Test
  void everyChangeAltersTheOneOrTwoTiledViewsItMovesBetweenWhenTheyHaveNoLimit() {
    IvmWorkload.Result r =
        IvmWorkload.run(
            IvmWorkload.Options.parse(
                "--records",
                "300",
                "--categories",
                "3",
                "--views",
                "30",
                "--changes",
                "500",
                "--selective",
                "--limit",
                "0"));
    // The ranges tile each category's prices, so the record is in one view before and one after
    // (the same view when its new price stays in the range): one or two deltas per change.
    assertThat(r.deltasPerChange()).isBetween(0.99, 2.0);
    assertThat(r.toJson()).contains("\"deltas_per_change\":");
  }

  @Test
  void aTopTenOfAHundredRowsIsAlteredByFewChanges() {
    IvmWorkload.Result r =
        IvmWorkload.run(
            IvmWorkload.Options.parse(
                "--records", "2000", "--categories", "2", "--views", "2", "--changes", "500"));
    // Each view holds the top 10 of its category's ~1,000 products: a random new price enters or
    // leaves that top 10 rarely.
    assertThat(r.deltasPerChange()).isLessThan(0.2);
  }

  @Test
  void rejectsANegativeLimit() {
    assertThatThrownBy(() -> IvmWorkload.Options.parse("--limit", "-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
