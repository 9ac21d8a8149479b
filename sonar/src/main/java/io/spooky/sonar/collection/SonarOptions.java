package io.spooky.sonar.collection;

import io.spooky.sonar.view.ViewFactory;
import java.util.List;

/**
 * Node options: extra views created for every collection (after the built-in root, kv, records,
 * indexes and history views) and whether views start processing in the background when a collection
 * opens ({@code false} opens every view paused, which lets a caller inspect persisted cursors
 * before anything moves; writes still bring {@code root} and {@code kv} up to date).
 */
public record SonarOptions(List<ViewFactory> views, boolean startViews) {
  public SonarOptions {
    views = List.copyOf(views);
  }

  /** No extra views; views start on open. */
  public static SonarOptions defaults() {
    return new SonarOptions(List.of(), true);
  }
}
