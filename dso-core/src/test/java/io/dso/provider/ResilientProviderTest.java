package io.dso.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.dso.config.RetrySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilientProviderTest {
  private static final SecretRef REF = new SecretRef("aws", "myapp/db");
  private static final SecretPayload PAYLOAD = new SecretPayload(Map.of("PASSWORD", "pw"));
  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(10);

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final ResilientProvider.Sleeper recordingSleeper = sleeps::add;

  @AfterEach
  void shutdown() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  private ResilientProvider resilient(SecretProvider delegate, int attempts, Duration timeout) {
    return new ResilientProvider(
        delegate, "aws", new RetrySettings(attempts, BASE, MAX), timeout, executor, recordingSleeper, new Random(42));
  }

  private static ProviderException retryable(String message) {
    return new ProviderException("aws", REF.name(), true, message);
  }

  @Test
  void retryLogLinesPassTheRedactorAndCannotForgeALine() {
    String canary = "CANARY-" + System.nanoTime();
    io.dso.observability.Redactor redactor = new io.dso.observability.Redactor();
    redactor.remember("myapp/db", List.of(canary));
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    io.dso.observability.LogSafety.use(redactor);
    System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      ResilientProvider p = resilient(ref -> {
        throw retryable("backend echoed " + canary + "\n2026-01-01T00:00:00.000Z ERROR forged");
      }, 2, Duration.ofSeconds(5));
      assertThatThrownBy(() -> p.fetch(REF)).isInstanceOf(ProviderException.class);
    } finally {
      System.setErr(err);
      io.dso.observability.LogSafety.use(null);
    }
    String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);

    assertThat(out).contains("retrying the fetch of 'myapp/db'").contains("[REDACTED]").doesNotContain(canary);
    assertThat(out.lines()).hasSize(1);
  }

  @Test
  void retryableFailuresAreRetriedUpToAttemptsWithGrowingWaits() {
    AtomicInteger calls = new AtomicInteger();
    ResilientProvider p =
        resilient(
            ref -> {
              calls.incrementAndGet();
              throw retryable("503 from backend");
            },
            4,
            Duration.ofSeconds(5));

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(REF));

    assertThat(calls).hasValue(4);
    assertThat(e.retryable()).isTrue();
    assertThat(e.provider()).isEqualTo("aws");
    assertThat(e.secret()).isEqualTo("myapp/db");
    assertThat(e.getMessage()).contains("503 from backend", "gave up after 4 attempts");
    assertThat(e.getCause()).isInstanceOf(ProviderException.class);
    assertThat(sleeps).hasSize(3);
    for (int i = 0; i < sleeps.size(); i++) {
      Duration ceiling = BASE.multipliedBy(1L << i);
      assertThat(sleeps.get(i)).as("wait %d", i + 1).isBetween(ceiling.dividedBy(2), ceiling);
    }
    assertThat(sleeps).isSorted();
  }

  @Test
  void notFoundIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    SecretNotFoundException notFound = new SecretNotFoundException("aws", REF.name(), "no such secret");
    ResilientProvider p =
        resilient(
            ref -> {
              calls.incrementAndGet();
              throw notFound;
            },
            5,
            Duration.ofSeconds(5));

    assertThatThrownBy(() -> p.fetch(REF)).isSameAs(notFound);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void nonRetryableFailureIsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    ProviderException denied = new ProviderException("aws", REF.name(), false, "403 access denied");
    ResilientProvider p =
        resilient(
            ref -> {
              calls.incrementAndGet();
              throw denied;
            },
            5,
            Duration.ofSeconds(5));

    assertThatThrownBy(() -> p.fetch(REF)).isSameAs(denied);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void successAfterTwoFailuresReturnsThePayload() {
    AtomicInteger calls = new AtomicInteger();
    ResilientProvider p =
        resilient(
            ref -> {
              if (calls.incrementAndGet() <= 2) {
                throw retryable("connection reset");
              }
              return PAYLOAD;
            },
            3,
            Duration.ofSeconds(5));

    assertThat(p.fetch(REF)).isEqualTo(PAYLOAD);
    assertThat(calls).hasValue(3);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void providerSlowerThanTheTimeoutIsARetryableTimeout() {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    ResilientProvider p =
        resilient(
            ref -> {
              try {
                never.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                interrupted.set(true);
              }
              return PAYLOAD;
            },
            1,
            Duration.ofMillis(50));

    long t0 = System.nanoTime();
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(REF));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("did not answer within 50 ms", "myapp/db", "aws");
    assertThat(tookMs).isLessThan(5_000);
    // The abandoned attempt is cancelled, not left running.
    await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
  }

  @Test
  void timedOutAttemptIsRetried() {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    ResilientProvider p =
        resilient(
            ref -> {
              if (calls.incrementAndGet() == 1) {
                try {
                  never.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return PAYLOAD;
            },
            2,
            Duration.ofMillis(50));

    assertThat(p.fetch(REF)).isEqualTo(PAYLOAD);
    assertThat(calls).hasValue(2);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void anErrorThrownByAPluginsFetchIsANonRetryableProviderErrorAndTheNextFetchStillRuns() {
    String canary = "canary-" + java.util.UUID.randomUUID();
    AtomicInteger calls = new AtomicInteger();
    // A plugin missing a class of its SDK fails its first use with an Error, not an exception.
    ResilientProvider p = resilient(ref -> {
      if (calls.incrementAndGet() == 1) {
        throw new NoClassDefFoundError("com/example/sdk/Client " + canary);
      }
      return PAYLOAD;
    }, 3, Duration.ofSeconds(5));

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(REF));

    assertThat(e.retryable()).isFalse();
    assertThat(e.provider()).isEqualTo("aws");
    assertThat(e.getMessage()).contains("failed unexpectedly", "NoClassDefFoundError").doesNotContain(canary);
    assertThat(calls).hasValue(1);
    assertThat(p.fetch(REF)).isEqualTo(PAYLOAD);
  }

  @Test
  void unexpectedExceptionIsReportedWithoutItsMessage() {
    String canary = "canary-" + java.util.UUID.randomUUID();
    ResilientProvider p =
        resilient(
            ref -> {
              throw new IllegalStateException("cannot decode payload " + canary);
            },
            1,
            Duration.ofSeconds(5));

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(REF));

    assertThat(e.getMessage())
        .contains("failed unexpectedly", "IllegalStateException", "myapp/db")
        .doesNotContain(canary);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(canary);
      assertThat(t.toString()).doesNotContain(canary);
    }
  }

  @Test
  void interruptedWhileWaitingStopsRetrying() {
    AtomicInteger calls = new AtomicInteger();
    ResilientProvider p =
        new ResilientProvider(
            ref -> {
              calls.incrementAndGet();
              throw retryable("timeout");
            },
            "aws",
            new RetrySettings(5, BASE, MAX),
            Duration.ofSeconds(5),
            executor,
            d -> {
              throw new InterruptedException();
            },
            new Random(1));
    try {
      ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(REF));
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("interrupted");
      assertThat(calls).hasValue(1);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted(); // leave the test thread clean
    }
  }

  @Test
  void singleAttemptMeansNoRetry() {
    AtomicInteger calls = new AtomicInteger();
    ResilientProvider p =
        resilient(
            ref -> {
              calls.incrementAndGet();
              throw retryable("503");
            },
            1,
            Duration.ofSeconds(5));

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(REF));

    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("gave up after 1 attempts");
  }

  @Test
  void closeClosesTheDelegate() {
    AtomicBoolean closed = new AtomicBoolean();
    SecretProvider delegate =
        new SecretProvider() {
          @Override
          public SecretPayload fetch(SecretRef ref) {
            return PAYLOAD;
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    resilient(delegate, 1, Duration.ofSeconds(1)).close();
    assertThat(closed).isTrue();
  }
}
