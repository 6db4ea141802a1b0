package io.dso.api;

import io.dso.trigger.WebhookTrigger;

/** The secret-update webhook as the API sees it, and the token that also guards the event endpoints. */
public interface WebhookSink {
  /** Answers a webhook request whose body was read whole (at most one byte past the limit). */
  WebhookTrigger.Outcome handle(String authorization, byte[] body, String remoteAddress);

  /** Answers a body the API refused to read because it was too large. */
  WebhookTrigger.Outcome tooLarge();

  /**
   * Whether a reader of the event endpoints may go on: 200 (no token set, or exactly
   * {@code Bearer <token>}), 401, or 429 when refused callers are over their limit.
   */
  int eventsAccess(String authorization);

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
      public int eventsAccess(String authorization) {
        return trigger.eventsAccess(authorization);
      }
    };
  }
}
