package io.dso.provider.env;

import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps secret {@code myapp/db} with prefix {@code DSO_SECRET_} to the variables
 * {@code DSO_SECRET_MYAPP_DB_<KEY>} (one key each) or {@code DSO_SECRET_MYAPP_DB} (key {@code value}).
 */
final class EnvProvider implements SecretProvider {
  private final String name;
  private final String prefix;
  private final Map<String, String> environment;

  EnvProvider(String name, String prefix, Map<String, String> environment) {
    this.name = name;
    this.prefix = prefix;
    this.environment = environment;
  }

  static String variableStem(String prefix, String secret) {
    return prefix + secret.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    String stem = variableStem(prefix, ref.name());
    Map<String, String> values = new TreeMap<>();
    environment.forEach(
        (k, v) -> {
          if (k.equals(stem)) {
            values.put("value", v);
          } else if (k.startsWith(stem + "_") && k.length() > stem.length() + 1) {
            values.put(k.substring(stem.length() + 1), v);
          }
        });
    if (values.isEmpty()) {
      throw new SecretNotFoundException(name, ref.name(), "no variable " + stem + " or " + stem + "_<KEY> set");
    }
    return new SecretPayload(values);
  }
}
