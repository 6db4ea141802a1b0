package io.dso.inject;

import io.dso.config.InjectMode;
import io.dso.config.ReservedEnvNames;
import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the env vars that the secrets of one container would set, before anything is injected:
 * two secrets setting one variable is an error (which value won would be arbitrary), and so is a
 * reserved name (see {@link ReservedEnvNames}) that no mapping allowed. Only names are checked and
 * reported, never values. The config check catches what it can see statically; this catches what
 * only a container's labels combine.
 */
final class EnvCollisions {
  private EnvCollisions() {}

  /** Throws {@link InjectionException} naming the variable and the secrets when a container's env would clash. */
  static void check(Map<SecretSpec, SecretPayload> payloads) {
    Map<String, SecretSpec> owner = new HashMap<>();
    for (Map.Entry<SecretSpec, SecretPayload> e : payloads.entrySet()) {
      SecretSpec s = e.getKey();
      if (s.inject().mode() != InjectMode.ENV) {
        continue;
      }
      for (String name : Materials.env(s, e.getValue()).keySet()) {
        Optional<String> reserved = ReservedEnvNames.reason(name);
        if (reserved.isPresent() && !s.allowReserved().contains(name)) {
          throw new InjectionException("secret '" + s.name() + "' would set env var " + name + ", which is " + reserved.get()
              + "; map its key to another name with 'mappings', or allow it with { name: " + name + ", allow_reserved: true }");
        }
        SecretSpec first = owner.putIfAbsent(name, s);
        if (first != null) {
          throw new InjectionException("secrets '" + first.name() + "' and '" + s.name() + "' would both set env var "
              + name + " in this container; rename one of them with 'mappings' or stop targeting the container with both");
        }
      }
    }
  }
}
