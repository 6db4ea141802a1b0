package io.dso.config;

/** The secret-update webhook; its bearer token never appears in {@link #toString()}. */
public record WebhookSettings(boolean enabled, String authToken) {
  public static final WebhookSettings DEFAULT = new WebhookSettings(false, null);

  public WebhookSettings {
    if (enabled && (authToken == null || authToken.isEmpty())) {
      throw new IllegalArgumentException("an enabled webhook needs an auth token");
    }
  }

  @Override
  public String toString() {
    return "WebhookSettings[enabled=" + enabled + ", authToken="
        + (authToken == null ? "null" : "<redacted>") + "]";
  }
}
