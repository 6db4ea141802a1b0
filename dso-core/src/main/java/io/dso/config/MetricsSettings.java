package io.dso.config;

/**
 * The top-level {@code metrics:} section. {@code perSecret: false} drops the per-secret series (the
 * {@code secret} label) for very large fleets; the metric names stay, per-provider series remain.
 */
public record MetricsSettings(boolean perSecret) {
  public static final MetricsSettings DEFAULT = new MetricsSettings(true);
}
