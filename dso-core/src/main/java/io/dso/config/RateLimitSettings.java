package io.dso.config;

/**
 * A provider's {@code rate_limit:} block: fetches started per second ({@link #UNLIMITED} for no rate
 * limit) and calls in flight at once; a null field keeps the provider type's own default.
 */
public record RateLimitSettings(Integer perSecond, Integer inFlight) {
  /** {@code per_second: unlimited}. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /** No {@code rate_limit:} block: the provider type's defaults apply. */
  public static final RateLimitSettings DEFAULT = new RateLimitSettings(null, null);

  /** Upper bounds that catch typos without limiting real deployments. */
  static final int MAX_PER_SECOND = 100_000;
  static final int MAX_IN_FLIGHT = 1_024;
}
