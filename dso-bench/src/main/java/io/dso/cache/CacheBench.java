package io.dso.cache;

import io.dso.provider.SecretPayload;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Canonical hashing of one payload (every fetch pays it) and a cache lookup among N held secrets. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheBench {
  @Param("10000")
  int secrets;

  private SecretPayload payload;
  private SecretCache cache;
  private String[] names;
  private int next;

  @Setup
  public void setUp() {
    payload = new SecretPayload(Map.of("DB_USER", "app", "DB_PASSWORD", "bench-filler-0123456789abcdef",
        "DB_HOST", "db.internal", "DB_PORT", "5432"));
    cache = new SecretCache(true);
    names = new String[secrets];
    Instant now = Instant.parse("2026-04-01T10:00:00Z");
    for (int i = 0; i < secrets; i++) {
      names[i] = "bench/s" + i;
      cache.put(names[i], "local", new SecretPayload(Map.of("K", "v" + i)), now);
    }
  }

  @Benchmark
  public String canonicalHash() {
    return payload.sha256();
  }

  @Benchmark
  public Object cacheLookup() {
    next = (next + 7919) % secrets; // a stride that visits every entry
    return cache.get(names[next]).orElseThrow().payload();
  }
}
