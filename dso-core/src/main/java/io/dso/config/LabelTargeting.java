package io.dso.config;

/**
 * Whether a container's own {@code dso.secrets} label is enough to receive a secret. Anyone who can
 * create containers can set labels: {@code OPEN} trusts them all, {@code RESTRICTED} honours the
 * label only for secrets that allow it ({@code targets.allow_labels: true}) or whose
 * {@code targets.labels} the container matches.
 */
public enum LabelTargeting {
  OPEN,
  RESTRICTED
}
