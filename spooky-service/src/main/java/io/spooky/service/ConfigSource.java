package io.spooky.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Configuration of a Spooky service: a {@code spooky.yml} file overlaid by the environment.
 *
 * <p>Keys are dotted paths into the YAML document ({@code surrealdb.addr} is {@code addr} inside
 * the {@code surrealdb} mapping). Every key has one environment name: the key upper-cased with
 * {@code .} and {@code -} replaced by {@code _} ({@code surrealdb.addr} ↔ {@code SURREALDB_ADDR},
 * {@code listen_addr} ↔ {@code LISTEN_ADDR}). When both are set, the environment wins.
 *
 * <p>The file is {@code $SPOOKY_CONFIG} if set (it must then exist), else {@code ./spooky.yml} if
 * present. Getters parse on demand and throw {@link ConfigException} naming the key when a value
 * cannot be read as the requested type. Instances are immutable.
 */
public final class ConfigSource {
  /** Environment variable naming the configuration file. */
  public static final String CONFIG_ENV = "SPOOKY_CONFIG";

  private final Map<String, String> file;
  private final Map<String, String> env;

  private ConfigSource(Map<String, String> file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  /** Loads from the process environment and the file it designates. */
  public static ConfigSource load() {
    return load(System.getenv(), Path.of("."));
  }

  /**
   * Loads from {@code env} and the file it designates; {@code workDir} is where {@code spooky.yml}
   * is looked for when {@code SPOOKY_CONFIG} is unset.
   */
  public static ConfigSource load(Map<String, String> env, Path workDir) {
    String explicit = env.get(CONFIG_ENV);
    Path path;
    if (explicit != null && !explicit.isBlank()) {
      path = Path.of(explicit);
      if (!Files.isRegularFile(path)) {
        throw new ConfigException(null, CONFIG_ENV + " names a missing file: " + path);
      }
    } else {
      path = workDir.resolve("spooky.yml");
      if (!Files.isRegularFile(path)) {
        return new ConfigSource(Map.of(), Map.copyOf(env));
      }
    }
    return new ConfigSource(readYaml(path), Map.copyOf(env));
  }

  /** A source over explicit maps (dotted keys for {@code file}); for tests and embedding. */
  public static ConfigSource of(Map<String, String> file, Map<String, String> env) {
    return new ConfigSource(Map.copyOf(file), Map.copyOf(env));
  }

  /** The environment variable name of a dotted key. */
  public static String envName(String key) {
    return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Map<String, String> readYaml(Path path) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
    } catch (IOException e) {
      throw new ConfigException(null, "cannot read " + path + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    if (root != null && !root.isMissingNode() && !root.isNull()) {
      if (!root.isObject()) {
        throw new ConfigException(null, path + ": the document must be a mapping");
      }
      flatten("", root, out);
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (!node.isNull()) {
      out.put(prefix, node.isValueNode() ? node.asText() : node.toString());
    }
  }

  /** The raw value of a key, environment first. */
  public Optional<String> string(String key) {
    String v = env.get(envName(key));
    if (v == null) {
      v = file.get(key);
    }
    return Optional.ofNullable(v);
  }

  /** The value of a key, or {@code fallback} when unset. */
  public String string(String key, String fallback) {
    return string(key).orElse(fallback);
  }

  /** The value of a key that must be set. */
  public String required(String key) {
    return string(key)
        .filter(s -> !s.isBlank())
        .orElseThrow(
            () ->
                new ConfigException(
                    key, "required (set " + envName(key) + " or " + key + " in spooky.yml)"));
  }

  /** An integer value, or {@code fallback} when unset. */
  public int integer(String key, int fallback) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.get().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "not an integer: '" + v.get() + "'");
    }
  }

  /** A boolean ({@code true}/{@code false}), or {@code fallback} when unset. */
  public boolean bool(String key, boolean fallback) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return fallback;
    }
    return switch (v.get().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(key, "not a boolean (true/false): '" + v.get() + "'");
    };
  }

  /**
   * A duration written as SurrealDB durations are ({@code 500ms}, {@code 10s}, {@code 10m}, {@code
   * 1h}, {@code 1d}), or {@code fallback} when unset.
   */
  public Duration duration(String key, Duration fallback) {
    Optional<String> v = string(key);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return parseDuration(v.get());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, e.getMessage());
    }
  }

  /** Parses {@code 500ms}, {@code 10s}, {@code 10m}, {@code 2h}, {@code 1d}. */
  public static Duration parseDuration(String text) {
    String t = text.trim();
    int i = 0;
    while (i < t.length() && Character.isDigit(t.charAt(i))) {
      i++;
    }
    if (i == 0 || i == t.length() || i > 12) {
      throw new IllegalArgumentException(
          "not a duration (like 500ms, 10s, 10m, 1h): '" + text + "'");
    }
    long n = Long.parseLong(t.substring(0, i));
    return switch (t.substring(i)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default ->
          throw new IllegalArgumentException(
              "not a duration (like 500ms, 10s, 10m, 1h): '" + text + "'");
    };
  }
}
