package io.dso.provider;

/**
 * How hard the agent may drive one provider: fetches started per second ({@link #UNLIMITED_RATE} for
 * none) and calls in flight at once. A plugin declares its backend's documented limits through
 * {@link SecretProviderFactory#defaultLimits()}; {@code rate_limit:} in dso.yaml overrides them.
 */
public record ProviderLimits(int perSecond, int inFlight) {
  /** {@link #perSecond()} of a provider that is not rate-limited (a local file or directory). */
  public static final int UNLIMITED_RATE = Integer.MAX_VALUE;

  /** A remote API of unknown limits: 50 fetches per second, 8 at a time. */
  public static final ProviderLimits REMOTE = new ProviderLimits(50, 8);

  /** Reads of local files or the process environment: no rate limit, a few reads at a time. */
  public static final ProviderLimits LOCAL = new ProviderLimits(UNLIMITED_RATE, 4);

  public ProviderLimits {
    if (perSecond < 1 || inFlight < 1) {
      throw new IllegalArgumentException("provider limits must be at least 1, got " + perSecond + "/s, " + inFlight + " in flight");
    }
  }

  /** Whether fetches are started without waiting for a rate token. */
  public boolean unlimitedRate() {
    return perSecond == UNLIMITED_RATE;
  }

  /** These limits with {@code perSecond} and/or {@code inFlight} replaced where not null. */
  public ProviderLimits with(Integer perSecondOrNull, Integer inFlightOrNull) {
    return new ProviderLimits(
        perSecondOrNull == null ? perSecond : perSecondOrNull, inFlightOrNull == null ? inFlight : inFlightOrNull);
  }

  @Override
  public String toString() {
    return (unlimitedRate() ? "unlimited" : perSecond + "/s") + ", " + inFlight + " in flight";
  }
}
