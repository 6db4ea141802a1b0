package io.dso.observability;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The metrics exposition with 10,000 per-secret series (5,000 secrets, two series each) or without
 * per-secret series, one audit record's serialisation, and the redaction of a log line while
 * 10,000 secrets (20,000 values) are remembered.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ObservabilityBench {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-04-01T10:00:00Z"), ZoneOffset.UTC);

  /** The registry, with or without per-secret series ({@code metrics.per_secret}). */
  @State(Scope.Benchmark)
  public static class Exposition {
    @Param({"true", "false"})
    boolean perSecret;

    final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
    DsoMetrics metrics;

    @Setup
    public void setUp() {
      metrics = new DsoMetrics(CLOCK, CLOCK.instant(), "bench", () -> 5_000, perSecret);
      metrics.registerProviders(List.of("local"));
      for (int i = 0; i < 5_000; i++) {
        String secret = "bench/s" + i;
        metrics.lastSuccess("local", secret, CLOCK.instant());
        metrics.pollInterval(secret, Duration.ofSeconds(30));
      }
    }
  }

  private final Clock clock = CLOCK;
  private Redactor redactor;
  private AuditEvent event;
  private String plainLine;
  private String lineWithValue;

  @Setup
  public void setUp() {
    redactor = new Redactor();
    for (int i = 0; i < 10_000; i++) {
      redactor.remember("bench/s" + i, List.of("u" + i + "-user", "bench-filler-" + String.format("%08d", i)));
    }
    event = AuditEvent.audit("secret_fetch", "local", "bench/s42", "success")
        .withExtra("version", 3L).withExtra("duration_ms", 2L);
    plainLine = "2026-04-01T10:00:00Z WARN Poller - fetch of secret 'bench/s42' from provider 'local' failed: timeout after 10s";
    lineWithValue = "2026-04-01T10:00:00Z WARN Poller - provider said: bad token bench-filler-00004242 in request";
  }

  @Benchmark
  public int exposition(Exposition e) throws IOException {
    e.out.reset();
    e.writer.write(e.out, e.metrics.registry().scrape());
    return e.out.size();
  }

  @Benchmark
  public byte[] auditRecord() {
    return AuditLog.encode(AuditLog.fields(event, clock.instant(), redactor));
  }

  @Benchmark
  public String redactPlainLine() {
    return redactor.redact(plainLine);
  }

  @Benchmark
  public String redactLineWithValue() {
    return redactor.redact(lineWithValue);
  }
}
