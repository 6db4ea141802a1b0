package io.dso.observability;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalDouble;

/** Reads {@link DsoMetrics} the way Prometheus does: through the text exposition format. */
public final class MetricsText {
  private MetricsText() {}

  /** The full Prometheus text exposition of the metrics' registry. */
  public static String scrape(DsoMetrics metrics) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * The value of one series, written exactly as in the exposition, e.g. {@code
   * dso_secret_fetches_total{provider="aws",status="success"}}; empty when the series is absent.
   */
  public static OptionalDouble value(DsoMetrics metrics, String series) {
    for (String line : scrape(metrics).split("\n")) {
      if (line.startsWith(series + " ")) {
        String rest = line.substring(series.length() + 1).trim();
        int space = rest.indexOf(' ');
        return OptionalDouble.of(Double.parseDouble(space < 0 ? rest : rest.substring(0, space)));
      }
    }
    return OptionalDouble.empty();
  }

  /** Like {@link #value} but fails when the series does not exist. */
  public static double require(DsoMetrics metrics, String series) {
    return value(metrics, series)
        .orElseThrow(() -> new AssertionError("no series " + series + " in:\n" + scrape(metrics)));
  }
}
