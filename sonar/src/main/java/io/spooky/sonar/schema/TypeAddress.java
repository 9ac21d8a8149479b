package io.spooky.sonar.schema;

import io.spooky.sonar.record.MalformedAddressException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed type or field address {@code namespace/name@version#field}; namespace, version and field
 * are optional (null / {@code -1} when absent). Names are {@code [A-Za-z0-9_.-]+}, versions
 * non-negative integers compared as numbers.
 */
public record TypeAddress(String namespace, String name, int version, String field) {
  private static final Pattern SYNTAX =
      Pattern.compile(
          "(?:([A-Za-z0-9_.-]+)/)?([A-Za-z0-9_.-]+)(?:@([0-9]{1,9}))?(?:#([A-Za-z0-9_.-]+))?");

  /** Parses an address; throws {@link MalformedAddressException} with the input on failure. */
  public static TypeAddress parse(String s) {
    if (s == null) {
      throw new MalformedAddressException("type address is null");
    }
    Matcher m = SYNTAX.matcher(s);
    if (!m.matches()) {
      throw new MalformedAddressException(
          "a type address is [namespace/]name[@version][#field]: '" + s + "'");
    }
    return new TypeAddress(
        m.group(1), m.group(2), m.group(3) == null ? -1 : Integer.parseInt(m.group(3)), m.group(4));
  }

  /** {@code namespace/name} (namespace must be set). */
  public String path() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (namespace != null) {
      sb.append(namespace).append('/');
    }
    sb.append(name);
    if (version >= 0) {
      sb.append('@').append(version);
    }
    if (field != null) {
      sb.append('#').append(field);
    }
    return sb.toString();
  }
}
