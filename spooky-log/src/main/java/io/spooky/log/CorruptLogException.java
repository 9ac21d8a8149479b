package io.spooky.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log holds damage that cannot be a torn append: a bad frame followed by valid ones, damage in
 * a sealed segment, or segments that do not follow each other. The log refuses to open (or a read
 * fails) rather than skip entries silently.
 *
 * <p>What to do: restore the directory from a replica or backup, or, accepting the loss of every
 * entry from {@link #position()} on, run {@link EventLog#repair} (which cuts the log there).
 */
public final class CorruptLogException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path segment;
  private final long position;

  public CorruptLogException(Path segment, long position, String reason) {
    super("corrupt log segment " + segment + " at position " + position + ": " + reason);
    this.segment = segment;
    this.position = position;
  }

  /** The segment file holding the damage. */
  public Path segment() {
    return segment;
  }

  /** Byte offset in {@link #segment()} of the first damaged frame. */
  public long position() {
    return position;
  }
}
