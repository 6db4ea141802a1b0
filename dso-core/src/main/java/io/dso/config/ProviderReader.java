package io.dso.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads {@code provider:}+{@code config:} (one provider named after its type) or {@code providers:}. */
final class ProviderReader {
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final List<String> KEYS = List.of("type", "config", "retry", "timeout", "rate_limit");
  private static final List<String> RATE_KEYS = List.of("per_second", "in_flight");
  private static final List<String> RETRY_KEYS = List.of("attempts", "backoff", "max_backoff");
  private static final Duration SMALLEST = Duration.ofMillis(1);

  /** The valid specs, plus every name the user configured (valid or not) so secrets can refer to them. */
  record Result(Map<String, ProviderSpec> specs, List<String> names) {}

  private final Values values;
  private final Problems problems;
  private final ProviderTypes types;

  ProviderReader(Values values, ProviderTypes types) {
    this.values = values;
    this.problems = values.problems();
    this.types = types;
  }

  Result read(YamlMap root) {
    Map<String, ProviderSpec> specs = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    boolean shorthand = root.has("provider");
    boolean named = root.has("providers");
    if (root.has("config") && !shorthand) {
      problems.add(root.keyNode("config"), "config",
          "top-level config: belongs to the provider: shorthand; add provider: <type> or move it to providers.<name>.config");
    }
    if (shorthand && named) {
      problems.add(root.keyNode("providers"), "providers",
          "use either provider: (one provider) or providers: (several), not both; move the shorthand provider into providers:");
      return new Result(specs, names);
    }
    if (shorthand) {
      Node typeNode = root.get("provider");
      String type = values.nonEmpty(typeNode, "provider", "write a provider type such as " + known());
      if (type != null) {
        // Remembered even when unknown, so that secrets naming it do not add a second, misleading problem.
        names.add(type);
      }
      if (type != null && checkType(typeNode, "provider", type)) {
        Node config = root.get("config");
        ProviderSpec spec = spec(type, type, config, "config", config == null ? typeNode : config, null, Problems.line(root.keyNode("provider")));
        if (spec != null) {
          specs.put(type, spec);
        }
      }
      return new Result(specs, names);
    }
    if (!named || Values.isNull(root.get("providers"))) {
      problems.add(named ? Problems.line(root.keyNode("providers")) : 1, "providers",
          "no provider configured; add providers: { <name>: { type: <type>, config: {...} } } with a type from " + known(), null);
      return new Result(specs, names);
    }
    YamlMap providers = YamlMap.of(root.get("providers"), "providers", null, problems);
    if (providers == null) {
      return new Result(specs, names);
    }
    if (providers.keys().isEmpty()) {
      problems.add(providers.node(), "providers", "no provider configured; add at least one, e.g. local: { type: local, config: { path: secrets.json } }");
    }
    for (String name : providers.keys()) {
      names.add(name);
      ScalarNode key = providers.keyNode(name);
      String path = providers.path(name);
      if (!NAME.matcher(name).matches()) {
        problems.add(key, path, "invalid provider name; use lower-case letters, digits, '-' and '_', starting with a letter or digit (e.g. aws-prod)");
        continue;
      }
      YamlMap m = YamlMap.of(providers.get(name), path, KEYS, problems);
      if (m == null) {
        continue;
      }
      if (!m.has("type")) {
        problems.add(key, m.path("type"), "missing key; add type: with one of " + known());
        continue;
      }
      String type = values.nonEmpty(m.get("type"), m.path("type"), "write one of " + known());
      if (type == null || !checkType(m.get("type"), m.path("type"), type)) {
        continue;
      }
      ProviderSpec spec = spec(name, type, m.get("config"), m.path("config"), m.has("config") ? m.keyNode("config") : key, m, Problems.line(key));
      if (spec != null) {
        specs.put(name, spec);
      }
    }
    return new Result(specs, names);
  }

  private ProviderSpec spec(String name, String type, Node config, String configPath, Node near, YamlMap m, int line) {
    int before = problems.size();
    Map<String, Object> values = config == null ? Map.of() : this.values.freeFormMap(config, configPath);
    RetrySettings retry = m == null ? RetrySettings.DEFAULT : retry(m);
    Duration timeout = m != null && m.has("timeout")
        ? this.values.duration(m.get("timeout"), m.path("timeout"), SMALLEST)
        : ProviderSpec.DEFAULT_TIMEOUT;
    RateLimitSettings rateLimit = m == null ? RateLimitSettings.DEFAULT : rateLimit(m);
    if (problems.size() != before || values == null || retry == null || timeout == null || rateLimit == null) {
      return null;
    }
    List<String> complaints = types.validate(type, values);
    for (String complaint : complaints) {
      problems.add(near, configPath, complaint);
    }
    return complaints.isEmpty() ? new ProviderSpec(name, type, values, retry, timeout, line, rateLimit) : null;
  }

  /** {@code rate_limit: { per_second: N|unlimited, in_flight: N }}; absent keys keep the type's defaults. */
  private RateLimitSettings rateLimit(YamlMap provider) {
    Node node = provider.get("rate_limit");
    if (node == null || Values.isNull(node)) {
      return RateLimitSettings.DEFAULT;
    }
    YamlMap m = YamlMap.of(node, provider.path("rate_limit"), RATE_KEYS, problems);
    if (m == null) {
      return null;
    }
    int before = problems.size();
    Integer perSecond = null;
    if (m.has("per_second")) {
      Node n = m.get("per_second");
      String raw = n instanceof ScalarNode ? values.string(n, m.path("per_second")) : null;
      perSecond = "unlimited".equals(raw == null ? null : raw.strip())
          ? Integer.valueOf(RateLimitSettings.UNLIMITED)
          : values.integer(n, m.path("per_second"), 1, RateLimitSettings.MAX_PER_SECOND);
    }
    Integer inFlight = m.has("in_flight")
        ? values.integer(m.get("in_flight"), m.path("in_flight"), 1, RateLimitSettings.MAX_IN_FLIGHT)
        : null;
    return problems.size() != before ? null : new RateLimitSettings(perSecond, inFlight);
  }

  private RetrySettings retry(YamlMap provider) {
    RetrySettings d = RetrySettings.DEFAULT;
    Node node = provider.get("retry");
    if (node == null || Values.isNull(node)) {
      return d;
    }
    YamlMap m = YamlMap.of(node, provider.path("retry"), RETRY_KEYS, problems);
    if (m == null) {
      return null;
    }
    Integer attempts = m.has("attempts") ? values.integer(m.get("attempts"), m.path("attempts"), 1, 10) : Integer.valueOf(d.attempts());
    Duration backoff = m.has("backoff") ? values.duration(m.get("backoff"), m.path("backoff"), SMALLEST) : d.backoff();
    Duration max = m.has("max_backoff") ? values.duration(m.get("max_backoff"), m.path("max_backoff"), SMALLEST) : d.maxBackoff();
    if (backoff != null && max != null && backoff.compareTo(max) > 0) {
      Node at = m.has("backoff") ? m.get("backoff") : m.get("max_backoff");
      problems.add(at, m.path("backoff"), "backoff is longer than max_backoff; raise max_backoff or lower backoff");
      return null;
    }
    return attempts == null || backoff == null || max == null ? null : new RetrySettings(attempts, backoff, max);
  }

  private boolean checkType(Node node, String path, String type) {
    if (types.known(type)) {
      return true;
    }
    String raw = ((ScalarNode) node).getValue();
    problems.add(node, path, "unknown provider type '" + raw + "'; known types: " + known(),
        Suggestions.hint(type, types.knownTypes()));
    return false;
  }

  private String known() {
    return String.join(", ", types.knownTypes().stream().sorted().toList());
  }
}
