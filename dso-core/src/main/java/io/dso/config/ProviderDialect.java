package io.dso.config;

import static io.dso.config.DialectNodes.child;
import static io.dso.config.DialectNodes.get;
import static io.dso.config.DialectNodes.map;
import static io.dso.config.DialectNodes.remove;
import static io.dso.config.DialectNodes.scalar;
import static io.dso.config.DialectNodes.set;
import static io.dso.config.DialectNodes.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The original project's provider forms: options written next to {@code type:} instead of under
 * {@code config:}, {@code auth: { method, params }}, and {@code type: file} with {@code path:}.
 */
final class ProviderDialect {
  private static final List<String> NATIVE_KEYS = List.of("type", "config", "retry", "timeout", "rate_limit");
  /** Per type: the auth methods the original knew, and the vault login method each one becomes (null: none). */
  static final Map<String, Map<String, String>> METHODS = Map.of(
      "aws", Map.of("iam_role", "", "access_key", "", "env", ""),
      "vault", Map.of("token", "", "approle", "approle", "kubernetes", "jwt", "jwt", "jwt"),
      "azure", Map.of("managed_identity", "", "service_principal", "", "env", ""),
      "huawei", Map.of("access_key", "", "env", ""));
  /** Per type: each {@code auth.params} name and the native config key it becomes. */
  static final Map<String, Map<String, String>> PARAMS = Map.of(
      "aws", Map.ofEntries(Map.entry("access_key", "access_key_id"), Map.entry("secret_key", "secret_access_key"),
          Map.entry("access_key_id", "access_key_id"), Map.entry("secret_access_key", "secret_access_key"),
          Map.entry("session_token", "session_token"), Map.entry("region", "region"), Map.entry("endpoint", "endpoint"),
          Map.entry("profile", "profile"), Map.entry("role_arn", "role_arn"), Map.entry("external_id", "external_id")),
      "vault", Map.ofEntries(Map.entry("address", "address"), Map.entry("token", "token"), Map.entry("token_file", "token_file"),
          Map.entry("namespace", "namespace"), Map.entry("mount", "mount"), Map.entry("role_id", "role_id"),
          Map.entry("secret_id", "secret_id"), Map.entry("secret_id_file", "secret_id_file"),
          Map.entry("role", "role"), Map.entry("jwt_file", "jwt_file"), Map.entry("token_path", "jwt_file")),
      "azure", Map.of("vault_url", "vault_url", "vault_name", "vault_name", "tenant_id", "tenant_id", "client_id", "client_id",
          "client_secret", "client_secret"),
      "huawei", Map.of("region", "region", "project_id", "project_id", "access_key", "access_key", "secret_key", "secret_key",
          "endpoint", "endpoint"));

  private final Problems problems;
  private final List<DialectForm> forms;

  ProviderDialect(Problems problems, List<DialectForm> forms) {
    this.problems = problems;
    this.forms = forms;
  }

  void translate(MappingNode root) {
    MappingNode providers = map(root, "providers");
    if (providers == null) {
      return;
    }
    for (NodeTuple t : providers.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode name && t.getValueNode() instanceof MappingNode p) {
        one("providers." + name.getValue(), p);
      }
    }
  }

  private void one(String path, MappingNode p) {
    String type = text(get(p, "type"));
    for (NodeTuple t : new ArrayList<>(p.getValue())) {
      // A near miss of a native key ("confg") is a typo, not a provider option: the native reader suggests the fix.
      if (!(t.getKeyNode() instanceof ScalarNode k) || NATIVE_KEYS.contains(k.getValue())
          || Suggestions.hint(k.getValue(), NATIVE_KEYS) != null) {
        continue;
      }
      MappingNode config = child(p, "config", k);
      if (config == null) {
        return; // config: is not a mapping; the native reader says so.
      }
      remove(p, k.getValue());
      if (k.getValue().equals("auth") && t.getValueNode() instanceof MappingNode auth && type != null) {
        auth(path, type, k, auth, config);
        continue;
      }
      set(config, k.getValue(), t.getValueNode(), k);
      forms.add(new DialectForm("provider option at the provider level", line(k), path + "." + k.getValue(),
          path + ".config." + k.getValue(), false));
    }
    MappingNode config = map(p, "config");
    if ("file".equals(type) && config != null && get(config, "path") != null && get(config, "dir") == null) {
      Node key = DialectNodes.find(config, "path").getKeyNode();
      DialectNodes.rename(config, "path", "dir");
      forms.add(new DialectForm("file provider with path:", line(key), path + ".config.path", path + ".config.dir", false));
    }
  }

  private void auth(String path, String type, ScalarNode key, MappingNode auth, MappingNode config) {
    String at = path + ".auth";
    Map<String, String> methods = METHODS.get(type);
    Map<String, String> params = PARAMS.get(type);
    Node methodNode = get(auth, "method");
    String method = text(methodNode);
    for (NodeTuple t : auth.getValue()) {
      String k = text(t.getKeyNode());
      if (!"method".equals(k) && !"params".equals(k)) {
        problems.add(t.getKeyNode(), at + "." + k, "unknown key in auth", "allowed here: method, params");
      }
    }
    if (methods == null) {
      problems.add(key, at, "auth: is not used by provider type " + type + "; put its options under config:");
      return;
    }
    if (method == null || !methods.containsKey(method)) {
      problems.add(methodNode == null ? key : methodNode, at + ".method",
          method == null ? "missing; write method: with one of " + String.join(", ", methods.keySet().stream().sorted().toList())
              : "auth method '" + method + "' is not known for type " + type,
          "one of " + String.join(", ", methods.keySet().stream().sorted().toList()));
      return;
    }
    String login = methods.get(method);
    List<String> became = new ArrayList<>();
    if (!login.isEmpty()) {
      // The vault plugin reads its login method as the scalar auth: next to role_id, secret_id, role, jwt_file.
      set(config, "auth", scalar(login, methodNode), methodNode);
      became.add(path + ".config.auth: " + login);
    }
    Node paramsNode = get(auth, "params");
    if (paramsNode instanceof MappingNode ps) {
      for (NodeTuple t : ps.getValue()) {
        String name = text(t.getKeyNode());
        String target = name == null ? null : params.get(name);
        if (target == null) {
          problems.add(t.getKeyNode(), at + ".params." + name, "unknown auth parameter for type " + type,
              "known: " + String.join(", ", params.keySet().stream().sorted().toList()));
          continue;
        }
        set(config, target, t.getValueNode(), t.getKeyNode());
        became.add(path + ".config." + target);
      }
    } else if (paramsNode != null && !Values.isNull(paramsNode)) {
      problems.add(paramsNode, at + ".params", "expected a mapping of parameters, found " + Values.kind(paramsNode));
    }
    forms.add(new DialectForm("auth method " + method, line(key), at,
        became.isEmpty() ? "the provider's default credential chain" : String.join(", ", became), false));
  }

  private static int line(Node n) {
    return Problems.line(n);
  }
}
