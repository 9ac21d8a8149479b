package io.spooky.log;

/**
 * Called by the writer thread with the number of entries in each group commit, just before it
 * writes them. Lets tests hold the writer to make batching deterministic; production uses {@link
 * #NONE}.
 */
@FunctionalInterface
interface GroupCommitObserver {
  GroupCommitObserver NONE = entries -> {};

  void beforeGroupWrite(int entries);
}
