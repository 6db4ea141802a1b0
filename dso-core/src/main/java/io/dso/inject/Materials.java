package io.dso.inject;

import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a payload into what lands in a container: env vars, or file names and contents, following
 * {@code mappings} (provider key -> env var or file name; no mappings = every key as is). A mapped
 * key missing from the payload is an error naming the key, never a value.
 */
public final class Materials {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  private Materials() {}

  public static Map<String, String> env(SecretSpec spec, SecretPayload payload) {
    return mapped(spec, payload, ENV_NAME, "environment variable");
  }

  public static Map<String, String> files(SecretSpec spec, SecretPayload payload) {
    return mapped(spec, payload, FILE_NAME, "file name");
  }

  private static Map<String, String> mapped(SecretSpec spec, SecretPayload payload, Pattern valid, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec.mappings().isEmpty()) {
      payload.values().forEach((k, v) -> {
        if (!valid.matcher(k).matches()) {
          throw new InjectionException("secret '" + spec.name() + "' key '" + k + "' is not a valid " + what
              + "; add 'mappings' to map it to one");
        }
        out.put(k, v);
      });
      return out;
    }
    spec.mappings().forEach((key, target) -> {
      String v = payload.values().get(key);
      if (v == null) {
        throw new InjectionException("secret '" + spec.name() + "' has no key '" + key + "' (it has "
            + payload.values().keySet() + "); fix 'mappings' or the secret in its provider");
      }
      out.put(target, v);
    });
    return out;
  }
}
