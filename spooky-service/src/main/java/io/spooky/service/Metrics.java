package io.spooky.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A minimal Prometheus registry: counters, gauges and fixed-bucket histograms without labels, and
 * labelled families whose samples are read at scrape time, rendered in the text exposition format
 * (version 0.0.4). Every metric name is registered once and gets its {@code # HELP} and {@code #
 * TYPE} lines once; label values are escaped as the format requires. Thread-safe; metrics are
 * registered once at start-up and updated lock-free.
 */
public final class Metrics {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final List<Metric> metrics = new ArrayList<>();

  private sealed interface Metric permits Counter, Gauge, Histogram, Family {
    String name();

    void render(StringBuilder out);
  }

  /** The type a labelled family is exposed as. */
  public enum FamilyType {
    COUNTER,
    GAUGE
  }

  /**
   * One sample of a labelled family: label names and values, in the order they are rendered, and
   * the value. Names must be valid Prometheus label names not starting with {@code __}; values are
   * any text (escaped when rendered).
   */
  public record Sample(List<String> labelNames, List<String> labelValues, double value) {
    public Sample {
      labelNames = List.copyOf(labelNames);
      labelValues = List.copyOf(labelValues);
      if (labelNames.size() != labelValues.size()) {
        throw new IllegalArgumentException("label names and values differ in number");
      }
      for (String n : labelNames) {
        if (!LABEL.matcher(n).matches() || n.startsWith("__")) {
          throw new IllegalArgumentException("invalid label name: " + n);
        }
      }
    }

    /** A sample with one label. */
    public static Sample of(String label, String value, double v) {
      return new Sample(List.of(label), List.of(value), v);
    }

    /** A sample with two labels. */
    public static Sample of(String label1, String value1, String label2, String value2, double v) {
      return new Sample(List.of(label1, label2), List.of(value1, value2), v);
    }
  }

  /**
   * A labelled family (for example one series per SSP), whose samples a supplier produces at scrape
   * time. A family with no samples renders only its HELP and TYPE lines.
   */
  public static final class Family implements Metric {
    private final String name;
    private final String help;
    private final FamilyType type;
    private final Supplier<? extends Collection<Sample>> samples;

    private Family(
        String name, String help, FamilyType type, Supplier<? extends Collection<Sample>> samples) {
      this.name = name;
      this.help = help;
      this.type = type;
      this.samples = samples;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void render(StringBuilder out) {
      header(out, name, help, type.name().toLowerCase(Locale.ROOT));
      for (Sample s : samples.get()) {
        out.append(name);
        if (!s.labelNames().isEmpty()) {
          out.append('{');
          for (int i = 0; i < s.labelNames().size(); i++) {
            if (i > 0) {
              out.append(',');
            }
            out.append(s.labelNames().get(i)).append("=\"");
            escapeLabelValue(s.labelValues().get(i), out);
            out.append('"');
          }
          out.append('}');
        }
        out.append(' ').append(number(s.value())).append('\n');
      }
    }
  }

  /** A monotonically increasing count. */
  public static final class Counter implements Metric {
    private final String name;
    private final String help;
    private final LongAdder value = new LongAdder();

    private Counter(String name, String help) {
      this.name = name;
      this.help = help;
    }

    public void inc() {
      value.increment();
    }

    public void add(long n) {
      if (n < 0) {
        throw new IllegalArgumentException("counters only increase: " + n);
      }
      value.add(n);
    }

    public long value() {
      return value.sum();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void render(StringBuilder out) {
      header(out, name, help, "counter");
      out.append(name).append(' ').append(value.sum()).append('\n');
    }
  }

  /** A value read from a supplier at scrape time. */
  public static final class Gauge implements Metric {
    private final String name;
    private final String help;
    private final DoubleSupplier supplier;

    private Gauge(String name, String help, DoubleSupplier supplier) {
      this.name = name;
      this.help = help;
      this.supplier = supplier;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void render(StringBuilder out) {
      header(out, name, help, "gauge");
      out.append(name).append(' ').append(number(supplier.getAsDouble())).append('\n');
    }
  }

  /** Observations counted into fixed cumulative buckets, with their sum and count. */
  public static final class Histogram implements Metric {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final AtomicLong[] counts;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    private Histogram(String name, String help, double[] bounds) {
      this.name = name;
      this.help = help;
      this.bounds = bounds;
      this.counts = new AtomicLong[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        counts[i] = new AtomicLong();
      }
    }

    public void observe(double v) {
      for (int i = 0; i < bounds.length; i++) {
        if (v <= bounds[i]) {
          counts[i].incrementAndGet();
          break;
        }
      }
      sum.add(v);
      count.increment();
    }

    public long count() {
      return count.sum();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void render(StringBuilder out) {
      header(out, name, help, "histogram");
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i].get();
        out.append(name)
            .append("_bucket{le=\"")
            .append(number(bounds[i]))
            .append("\"} ")
            .append(cumulative)
            .append('\n');
      }
      long total = count.sum();
      out.append(name).append("_bucket{le=\"+Inf\"} ").append(total).append('\n');
      out.append(name).append("_sum ").append(number(sum.sum())).append('\n');
      out.append(name).append("_count ").append(total).append('\n');
    }
  }

  public synchronized Counter counter(String name, String help) {
    Counter c = new Counter(checkName(name), help);
    metrics.add(c);
    return c;
  }

  public synchronized void gauge(String name, String help, DoubleSupplier supplier) {
    metrics.add(new Gauge(checkName(name), help, supplier));
  }

  /** {@code bounds} are the buckets' inclusive upper bounds, strictly increasing. */
  public synchronized Histogram histogram(String name, String help, double... bounds) {
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException(
            "bucket bounds must increase: " + Arrays.toString(bounds));
      }
    }
    Histogram h = new Histogram(checkName(name), help, bounds.clone());
    metrics.add(h);
    return h;
  }

  /**
   * Registers a labelled family; {@code samples} is called at every scrape, from the scraping
   * thread, and must not call back into this registry. Counter families should be named {@code
   * …_total} and only ever report increasing values per label set.
   */
  public synchronized void family(
      String name, String help, FamilyType type, Supplier<? extends Collection<Sample>> samples) {
    metrics.add(new Family(checkName(name), help, type, samples));
  }

  /** The text exposition of every registered metric, in registration order. */
  public synchronized String exposition() {
    StringBuilder out = new StringBuilder();
    for (Metric m : metrics) {
      m.render(out);
    }
    return out.toString();
  }

  private String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid metric name: " + name);
    }
    for (Metric m : metrics) {
      if (m.name().equals(name)) {
        throw new IllegalArgumentException("metric already registered: " + name);
      }
    }
    return name;
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
        .append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A label value as the text format wants it: backslash, double quote and newline escaped. */
  static void escapeLabelValue(String v, StringBuilder out) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
