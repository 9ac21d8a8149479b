package io.spooky.sonar.search;

import io.spooky.sonar.record.RecordVersion;

/**
 * One search result: the current record version, its relevance score and a snippet of its title or
 * body with matched terms wrapped in {@code <b>...</b>} (null when there is no text to show).
 */
public record SearchHit(RecordVersion record, float score, String snippet) {}
