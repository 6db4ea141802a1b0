package io.dso.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the {@code agent:} and {@code defaults:} sections, filling in documented defaults. */
final class AgentReader {
  static final List<String> STRATEGIES = List.of("rolling", "restart", "signal", "none", "auto");
  private static final List<String> AGENT_KEYS =
      List.of("cache", "label_targeting", "refresh_interval", "watch", "webhook", "rotation", "restart_strategy",
          "shutdown_timeout", "audit");
  private static final List<String> AUDIT_KEYS = List.of("fetches");
  private static final List<String> WATCH_KEYS = List.of("mode", "polling_interval");
  private static final List<String> WEBHOOK_KEYS = List.of("enabled", "auth_token");
  private static final List<String> ROTATION_KEYS =
      List.of("strategy", "health_check_timeout", "max_parallel", "cooldown");
  private static final List<String> RESTART_KEYS = List.of("grace_period");
  private static final List<String> DEFAULTS_KEYS = List.of("inject", "rotation");
  static final List<String> ROTATION_SWITCH_KEYS = List.of("enabled", "strategy");

  private final Values values;
  private final Problems problems;
  // Where watch.mode and webhook.enabled were written, for the cross-check of the two.
  private Node modeNode;
  private String modePath;
  private Node enabledNode;
  private String enabledPath;
  private boolean webhookRequested;

  AgentReader(Values values) {
    this.values = values;
    this.problems = values.problems();
  }

  AgentSettings agent(Node node) {
    AgentSettings d = AgentSettings.DEFAULT;
    if (node == null || Values.isNull(node)) {
      return d;
    }
    YamlMap m = YamlMap.of(node, "agent", AGENT_KEYS, problems);
    if (m == null) {
      return d;
    }
    boolean cache = or(bool(m, "cache"), d.cache());
    LabelTargeting labels = labelTargeting(m, d.labelTargeting());
    Duration refresh = or(duration(m, "refresh_interval", Duration.ofSeconds(1)), d.refreshInterval());
    WatchSettings watch = watch(m);
    WebhookSettings webhook = webhook(m);
    RotationSettings rotation = rotation(m);
    checkWatchAndWebhook(watch, webhook);
    Duration grace = d.restartGracePeriod();
    YamlMap restart = section(m, "restart_strategy", RESTART_KEYS);
    if (restart != null) {
      grace = or(duration(restart, "grace_period", Duration.ZERO), grace);
    }
    Duration shutdown = or(duration(m, "shutdown_timeout", Duration.ZERO), d.shutdownTimeout());
    return new AgentSettings(cache, labels, refresh, watch, webhook, rotation, grace, shutdown, audit(m));
  }

  private AuditSettings audit(YamlMap agent) {
    YamlMap m = section(agent, "audit", AUDIT_KEYS);
    String fetches = m != null && m.has("fetches")
        ? values.choice(m.get("fetches"), m.path("fetches"), List.of("changes", "all")) : null;
    return fetches == null ? AuditSettings.DEFAULT
        : new AuditSettings(AuditSettings.Fetches.valueOf(fetches.toUpperCase(Locale.ROOT)));
  }

  /** The top-level {@code metrics:} section. */
  MetricsSettings metrics(Node node) {
    if (node == null || Values.isNull(node)) {
      return MetricsSettings.DEFAULT;
    }
    YamlMap m = YamlMap.of(node, "metrics", List.of("per_secret"), problems);
    Boolean perSecret = m == null ? null : bool(m, "per_secret");
    return perSecret == null ? MetricsSettings.DEFAULT : new MetricsSettings(perSecret);
  }

  private LabelTargeting labelTargeting(YamlMap m, LabelTargeting fallback) {
    String v = m.has("label_targeting")
        ? values.choice(m.get("label_targeting"), m.path("label_targeting"), List.of("open", "restricted")) : null;
    return v == null ? fallback : LabelTargeting.valueOf(v.toUpperCase(Locale.ROOT));
  }

  private WatchSettings watch(YamlMap agent) {
    WatchSettings d = WatchSettings.DEFAULT;
    YamlMap m = section(agent, "watch", WATCH_KEYS);
    if (m == null) {
      return d;
    }
    if (m.has("mode")) {
      modeNode = m.get("mode");
      modePath = m.path("mode");
    }
    String mode = m.has("mode") ? values.choice(m.get("mode"), m.path("mode"), List.of("polling", "event", "hybrid")) : null;
    Duration interval = or(duration(m, "polling_interval", Duration.ofSeconds(1)), d.pollingInterval());
    return new WatchSettings(mode == null ? d.mode() : WatchMode.valueOf(mode.toUpperCase(Locale.ROOT)), interval);
  }

  /**
   * Event and hybrid mode rely on the webhook (nothing else would see a change of a watched secret
   * in event mode), and polling mode does not serve it: both mismatches are problems, not surprises.
   */
  private void checkWatchAndWebhook(WatchSettings watch, WebhookSettings webhook) {
    if (watch.mode() != WatchMode.POLLING && !webhookRequested && modeNode != null) {
      problems.add(modeNode, modePath,
          "mode " + watch.mode().name().toLowerCase(Locale.ROOT) + " needs the webhook; set agent.webhook.enabled: true"
              + " with an auth_token, or use mode: polling");
    }
    if (watch.mode() == WatchMode.POLLING && webhook.enabled()) {
      problems.add(enabledNode, enabledPath,
          "the webhook is only served in event or hybrid mode; set agent.watch.mode: hybrid, or enabled: false");
    }
  }

  private WebhookSettings webhook(YamlMap agent) {
    YamlMap m = section(agent, "webhook", WEBHOOK_KEYS);
    if (m == null) {
      return WebhookSettings.DEFAULT;
    }
    boolean enabled = or(bool(m, "enabled"), false);
    webhookRequested = enabled;
    if (m.has("enabled")) {
      enabledNode = m.get("enabled");
      enabledPath = m.path("enabled");
    }
    String token = m.has("auth_token") ? values.string(m.get("auth_token"), m.path("auth_token")) : null;
    if (enabled && (token == null || token.isEmpty())) {
      if (!m.has("auth_token") || token != null) {
        problems.add(
            m.has("auth_token") ? m.get("auth_token") : m.keyNode("enabled"),
            m.path("auth_token"),
            "an enabled webhook needs a non-empty auth_token; set auth_token: \"${DSO_WEBHOOK_TOKEN}\" and export it");
      }
      return WebhookSettings.DEFAULT;
    }
    if (token != null && token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      // HTTP trims spaces around a header value and the API takes "Bearer <token>" exactly: such a token could never match.
      problems.add(m.get("auth_token"), m.path("auth_token"),
          "must not contain spaces, tabs or control characters (a bearer token is sent as one word); generate e.g. openssl rand -hex 32");
      return WebhookSettings.DEFAULT;
    }
    return new WebhookSettings(enabled, token == null || token.isEmpty() ? null : token);
  }

  private RotationSettings rotation(YamlMap agent) {
    RotationSettings d = RotationSettings.DEFAULT;
    YamlMap m = section(agent, "rotation", ROTATION_KEYS);
    if (m == null) {
      return d;
    }
    String strategy = m.has("strategy") ? values.choice(m.get("strategy"), m.path("strategy"), STRATEGIES) : null;
    Duration health = duration(m, "health_check_timeout", Duration.ofSeconds(1));
    Integer parallel = m.has("max_parallel") ? values.integer(m.get("max_parallel"), m.path("max_parallel"), 1, 64) : null;
    Duration cooldown = duration(m, "cooldown", Duration.ZERO);
    return new RotationSettings(
        or(strategy, d.strategy()), or(health, d.healthCheckTimeout()), or(parallel, d.maxParallel()), or(cooldown, d.cooldown()));
  }

  Defaults defaults(Node node, InjectReader inject) {
    Defaults d = Defaults.DEFAULT;
    if (node == null || Values.isNull(node)) {
      return d;
    }
    YamlMap m = YamlMap.of(node, "defaults", DEFAULTS_KEYS, problems);
    if (m == null) {
      return d;
    }
    InjectSpec injectSpec = m.has("inject") ? inject.defaults(m.get("inject"), m.path("inject")) : null;
    Boolean enabled = null;
    String strategy = null;
    if (m.has("rotation")) {
      RotationSwitch r = rotationSwitch(m.get("rotation"), m.path("rotation"));
      enabled = r.enabled();
      strategy = r.strategy();
    }
    return new Defaults(or(injectSpec, d.inject()), or(enabled, d.rotationEnabled()), or(strategy, d.rotationStrategy()));
  }

  /** {@code rotation: true} or {@code rotation: {enabled, strategy}}; absent parts are null. */
  record RotationSwitch(Boolean enabled, String strategy) {}

  RotationSwitch rotationSwitch(Node node, String path) {
    if (!(node instanceof org.yaml.snakeyaml.nodes.MappingNode)) {
      return new RotationSwitch(values.bool(node, path), null);
    }
    YamlMap m = YamlMap.of(node, path, ROTATION_SWITCH_KEYS, problems);
    Boolean enabled = bool(m, "enabled");
    String strategy = m.has("strategy") ? values.choice(m.get("strategy"), m.path("strategy"), STRATEGIES) : null;
    // A mapping that names a strategy means the user wants rotation unless they say otherwise.
    return new RotationSwitch(enabled == null && !m.has("enabled") ? Boolean.TRUE : enabled, strategy);
  }

  private YamlMap section(YamlMap parent, String key, List<String> allowed) {
    Node node = parent.get(key);
    if (node == null || Values.isNull(node)) {
      return null;
    }
    return YamlMap.of(node, parent.path(key), allowed, problems);
  }

  private Boolean bool(YamlMap m, String key) {
    return m.has(key) ? values.bool(m.get(key), m.path(key)) : null;
  }

  private Duration duration(YamlMap m, String key, Duration min) {
    return m.has(key) ? values.duration(m.get(key), m.path(key), min) : null;
  }

  static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
