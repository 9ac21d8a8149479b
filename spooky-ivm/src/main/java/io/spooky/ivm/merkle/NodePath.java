package io.spooky.ivm.merkle;

/**
 * The position of a node in a view Merkle tree: the child indexes (nibbles, 0..15) from the root
 * down. Its text form is those nibbles as lower-case hex digits, so the root is {@code ""}, a
 * first-level node is one digit ({@code "a"}) and a leaf bucket is {@link MerkleTree#DEPTH} digits
 * ({@code "a3f"}). The leaf path of a bucket is the bucket number written as {@code DEPTH} hex
 * digits.
 */
public record NodePath(String hex) {
  /** The root's path. */
  public static final NodePath ROOT = new NodePath("");

  public NodePath {
    if (hex.length() > MerkleTree.DEPTH) {
      throw new IllegalArgumentException(
          "a node path has at most " + MerkleTree.DEPTH + " digits: " + hex);
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException("a node path is lower-case hex digits: " + hex);
      }
    }
  }

  /** The path of the leaf holding bucket {@code bucket} (0 .. 4095). */
  public static NodePath ofBucket(int bucket) {
    if (bucket < 0 || bucket >= MerkleTree.BUCKETS) {
      throw new IllegalArgumentException("bucket out of range: " + bucket);
    }
    return new NodePath(String.format("%03x", bucket));
  }

  /** Depth of the node: 0 for the root, {@link MerkleTree#DEPTH} for a leaf. */
  public int depth() {
    return hex.length();
  }

  public boolean isLeaf() {
    return hex.length() == MerkleTree.DEPTH;
  }

  /** The path of child {@code nibble} (0..15) of this inner node. */
  public NodePath child(int nibble) {
    if (isLeaf()) {
      throw new IllegalArgumentException("a leaf has no children: " + hex);
    }
    return new NodePath(hex + Character.forDigit(nibble, 16));
  }

  /** The node's index within its level: the path read as a hexadecimal number (0 for the root). */
  int index() {
    return hex.isEmpty() ? 0 : Integer.parseInt(hex, 16);
  }

  @Override
  public String toString() {
    return hex.isEmpty() ? "<root>" : hex;
  }
}
