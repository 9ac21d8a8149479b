package io.spooky.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * A minimal Prometheus registry: counters, gauges and fixed-bucket histograms without labels,
 * rendered in the text exposition format (version 0.0.4). Thread-safe; metrics are registered once
 * at start-up and updated lock-free.
 */
public final class Metrics {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private final List<Metric> metrics = new ArrayList<>();

  private sealed interface Metric permits Counter, Gauge, Histogram {
    void render(StringBuilder out);
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
      String existing =
          switch (m) {
            case Counter c -> c.name;
            case Gauge g -> g.name;
            case Histogram h -> h.name;
          };
      if (existing.equals(name)) {
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

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
