package io.dso.trigger;

import io.dso.cache.SecretSync;
import io.dso.config.DsoConfig;
import io.dso.config.SecretSpec;
import io.dso.config.WatchMode;
import io.dso.observability.AuditEvent;
import io.dso.observability.AuditLog;
import io.dso.observability.DsoMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logic of {@code POST /api/events/secret-update}, without HTTP: size, enabled, bearer token
 * (constant time), rate limit, body, known secret, idempotency; then an immediate fetch of the secret
 * on a virtual thread. Refused callers (disabled, wrong token) draw from their own rate limit, so a
 * flood of bad tokens cannot use up the budget of the caller who holds the token. Every request that
 * passed the size check, except 429s, is audited as {@code webhook_received}; every answer is counted
 * in {@code dso_webhook_requests_total}.
 */
public final class WebhookTrigger {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookTrigger.class);

  /** The {@code user} of webhook-triggered work in audit records. */
  public static final String USER = "webhook";
  /** Largest accepted body; the HTTP layer stops reading one byte past it. */
  public static final int MAX_BODY = 64 * 1024;
  /** Requests per second accepted for processing, sustained. */
  public static final int RATE_PER_SECOND = 20;
  /** Requests accepted at once after a quiet period. */
  public static final int BURST = 40;
  /** Refused requests (wrong token, webhook off) answered per second, sustained; the rest get 429. */
  public static final int REFUSED_PER_SECOND = 10;
  /** Refused requests answered at once after a quiet period. */
  public static final int REFUSED_BURST = 20;
  /** How many provider+secret+timestamp keys are remembered to answer duplicates. */
  public static final int REMEMBERED_KEYS = 10_000;

  /** What to answer: a status, a JSON-able body and, for 429, the seconds to wait. */
  public record Outcome(int status, Map<String, Object> body, long retryAfterSeconds) {}

  private final DsoConfig config;
  private final SecretSync sync;
  private final FetchLimiter limiter;
  private final AuditLog audit;
  private final DsoMetrics metrics;
  private final Executor executor;
  private final TokenBucket bucket;
  private final TokenBucket refusedBucket;
  private final String disabledReason;
  private final byte[] tokenDigest;
  private final Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_KEYS;
    }
  };

  public WebhookTrigger(DsoConfig config, SecretSync sync, FetchLimiter limiter, AuditLog audit,
      DsoMetrics metrics, Executor executor, LongSupplier nanoTime) {
    this.config = config;
    this.sync = sync;
    this.limiter = limiter;
    this.audit = audit;
    this.metrics = metrics;
    this.executor = executor;
    this.bucket = new TokenBucket(RATE_PER_SECOND, BURST, nanoTime);
    this.refusedBucket = new TokenBucket(REFUSED_PER_SECOND, REFUSED_BURST, nanoTime);
    var webhook = config.agent().webhook();
    if (!webhook.enabled()) {
      disabledReason = "the webhook is disabled; set agent.webhook.enabled: true with an auth_token and watch.mode event or hybrid";
    } else if (config.agent().watch().mode() == WatchMode.POLLING) {
      disabledReason = "the webhook is not served in watch.mode polling; use event or hybrid";
    } else {
      disabledReason = null;
    }
    this.tokenDigest = webhook.authToken() == null ? null : sha256(webhook.authToken());
  }

  /** The answer to a body the HTTP layer stopped reading past {@link #MAX_BODY}. */
  public Outcome tooLarge() {
    return answer(413, error("body larger than " + MAX_BODY + " bytes"), 0);
  }

  public Outcome handle(String authorization, byte[] body, String remoteAddress) {
    if (body.length > MAX_BODY) {
      return tooLarge();
    }
    // The token is checked first: refusals draw from their own bucket, the shared one is only for
    // callers who hold the token, so an unauthenticated flood cannot starve them.
    if (disabledReason != null) {
      return refusedBucket.tryAcquire() ? audited(403, error(disabledReason), null, remoteAddress) : limited(refusedBucket);
    }
    if (!authorized(authorization, tokenDigest)) {
      return refusedBucket.tryAcquire()
          ? audited(401, error("missing or wrong bearer token; send exactly Authorization: Bearer <agent.webhook.auth_token>"),
              null, remoteAddress)
          : limited(refusedBucket);
    }
    if (!bucket.tryAcquire()) {
      return limited(bucket);
    }
    WebhookRequest req;
    try {
      req = WebhookRequest.parse(body);
    } catch (WebhookRequest.Invalid e) {
      return audited(400, error(e.getMessage()), null, remoteAddress);
    }
    Optional<SecretSpec> spec = config.secret(req.secretName()).filter(s -> s.provider().equals(req.provider()));
    if (spec.isEmpty()) {
      return audited(404, error("no secret with this secret_name and provider is configured"), req, remoteAddress);
    }
    String key = req.provider() + '\0' + req.secretName() + '\0' + req.timestamp();
    boolean duplicate;
    synchronized (seen) {
      duplicate = seen.put(key, Boolean.TRUE) != null;
    }
    if (duplicate) {
      return audited(202, Map.of("accepted", true, "duplicate", true), req, remoteAddress);
    }
    SecretSpec s = spec.get();
    executor.execute(() -> {
      try {
        limiter.run(s.provider(), () -> sync.refresh(s, USER));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("webhook fetch of secret '{}' failed unexpectedly: {}", s.name(), e.getClass().getSimpleName());
      }
    });
    return audited(202, Map.of("accepted", true), req, remoteAddress);
  }

  /**
   * Whether a reader of the event endpoints may go on: 200 when no token is set or the header carries
   * it exactly; else 401, or 429 once refused callers have used up their own limit. The limit is the
   * one of refused webhook calls, so guessing the token here is no faster than there.
   */
  public int eventsAccess(String authorization) {
    if (tokenDigest == null || authorized(authorization, tokenDigest)) {
      return 200;
    }
    return refusedBucket.tryAcquire() ? 401 : 429;
  }

  /**
   * Whether the header is exactly {@code Bearer <token>}: that scheme spelling, one space, the token
   * and nothing else. Both sides are hashed first and compared with {@link MessageDigest#isEqual},
   * so neither the content nor the length leaks through timing.
   */
  static boolean authorized(String header, byte[] expectedDigest) {
    if (expectedDigest == null || header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(sha256(header.substring(7)), expectedDigest);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private Outcome audited(int status, Map<String, Object> body, WebhookRequest req, String remote) {
    AuditEvent event = new AuditEvent("audit", "webhook_received", USER,
        req == null ? null : req.provider(), req == null ? null : req.secretName(), null,
        status == 202 ? "success" : "failed", Map.of())
        .withExtra("http_status", status)
        .withExtra("remote_address", remote);
    if (status != 202) {
      event = event.withExtra("error", String.valueOf(body.get("error")));
    } else if (req != null) {
      event = event.withExtra("event_type", req.eventType()).withExtra("duplicate", body.containsKey("duplicate"));
    }
    audit.record(event);
    return answer(status, body, 0);
  }

  private Outcome limited(TokenBucket which) {
    long wait = Math.max(1, (which.nanosUntilAvailable() + 999_999_999L) / 1_000_000_000L);
    return answer(429, error("too many webhook requests; retry after " + wait + " s"), wait);
  }

  private Outcome answer(int status, Map<String, Object> body, long retryAfter) {
    metrics.webhookRequest(status);
    return new Outcome(status, body, retryAfter);
  }

  private static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }
}
