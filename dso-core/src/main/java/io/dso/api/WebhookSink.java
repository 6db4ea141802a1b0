package io.dso.api;

import io.dso.trigger.WebhookTrigger;

/** The secret-update webhook as the API sees it, and the token that also guards the event endpoints. */
public interface WebhookSink {
  /** Answers a webhook request whose body was read whole (at most one byte past the limit). */
  WebhookTrigger.Outcome handle(String authorization, byte[] body, String remoteAddress);

  /** Answers a body the API refused to read because it was too large. */
  WebhookTrigger.Outcome tooLarge();

  /** Whether a webhook token is configured (then the event endpoints need it too). */
  boolean tokenConfigured();

  /** Whether the header is exactly {@code Bearer <token>} for the configured token. */
  boolean tokenMatches(String authorization);

  /** The sink backed by the agent's webhook trigger. */
  static WebhookSink of(WebhookTrigger trigger) {
    return new WebhookSink() {
      @Override
      public WebhookTrigger.Outcome handle(String authorization, byte[] body, String remoteAddress) {
        return trigger.handle(authorization, body, remoteAddress);
      }

      @Override
      public WebhookTrigger.Outcome tooLarge() {
        return trigger.tooLarge();
      }

      @Override
      public boolean tokenConfigured() {
        return trigger.tokenConfigured();
      }

      @Override
      public boolean tokenMatches(String authorization) {
        return trigger.tokenMatches(authorization);
      }
    };
  }
}
