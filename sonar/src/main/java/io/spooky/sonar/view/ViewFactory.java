package io.spooky.sonar.view;

/**
 * Creates an additional view for each collection a node opens (for example a search view). Given to
 * {@code SonarOptions}; must be thread-safe.
 */
@FunctionalInterface
public interface ViewFactory {
  View create(ViewContext context);
}
