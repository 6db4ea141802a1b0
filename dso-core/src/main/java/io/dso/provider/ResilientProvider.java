package io.dso.provider;

import io.dso.config.RetrySettings;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a provider with a per-attempt timeout and retries with exponential backoff and jitter on
 * retryable failures. "Not found" and non-retryable errors return at once.
 */
public final class ResilientProvider implements SecretProvider {
  private static final Logger LOG = LoggerFactory.getLogger(ResilientProvider.class);

  /** Blocks between attempts; a seam so that tests neither sleep nor flake. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final SecretProvider delegate;
  private final String providerName;
  private final int attempts;
  private final Duration timeout;
  private final Backoff backoff;
  private final ExecutorService executor;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  public ResilientProvider(
      SecretProvider delegate,
      String providerName,
      RetrySettings retry,
      Duration timeout,
      ExecutorService executor,
      Sleeper sleeper,
      RandomGenerator random) {
    this.delegate = delegate;
    this.providerName = providerName;
    this.attempts = Math.max(1, retry.attempts());
    this.timeout = timeout;
    this.backoff = new Backoff(retry.backoff(), retry.maxBackoff());
    this.executor = executor;
    this.sleeper = sleeper;
    this.random = random;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    ProviderException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        Duration wait = backoff.delay(attempt - 1, random);
        LOG.info(
            "retrying secret '{}' from provider '{}' in {} ms (attempt {}/{}): {}",
            ref.name(),
            providerName,
            wait.toMillis(),
            attempt,
            attempts,
            last.getMessage());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProviderException(providerName, ref.name(), false, "fetch interrupted", e);
        }
      }
      try {
        return attempt(ref);
      } catch (ProviderException e) {
        if (!e.retryable()) {
          throw e;
        }
        last = e;
      }
    }
    throw new ProviderException(
        providerName,
        ref.name(),
        true,
        last.getMessage() + " (gave up after " + attempts + " attempts)",
        last);
  }

  private SecretPayload attempt(SecretRef ref) {
    Future<SecretPayload> future = executor.submit(() -> delegate.fetch(ref));
    try {
      return future.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ProviderException(
          providerName,
          ref.name(),
          true,
          "provider '" + providerName + "' did not answer within " + timeout.toMillis()
              + " ms for secret '" + ref.name() + "'; check its reachability or raise its timeout",
          e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ProviderException(providerName, ref.name(), false, "fetch interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProviderException pe) {
        throw pe;
      }
      // A provider bug: report its type only, library messages may quote payload bytes.
      // A provider bug is deterministic: retrying only delays the error.
      throw new ProviderException(
          providerName,
          ref.name(),
          false,
          "provider '" + providerName + "' failed unexpectedly for secret '" + ref.name() + "' ("
              + e.getCause().getClass().getSimpleName() + ")",
          null);
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
