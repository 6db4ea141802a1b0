package io.dso.inject;

import io.dso.config.SecretSpec;
import io.dso.provider.SecretPayload;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The references of a Compose env template ({@code dso://<path>}, {@code dsofile://<path>}) and how
 * a path names a secret: a declared secret of exactly that name, or {@code <declared>/<KEY>} with
 * the longest declared prefix. The agent and the planner resolve with this one rule, so a service
 * is rendered the same at {@code up} time and at every later rotation. Never holds a value.
 */
public final class ComposeRefs {
  /** The reference syntax of Compose env templates: one or more segments separated by {@code /}. */
  public static final Pattern REFERENCE =
      Pattern.compile("(dsofile|dso)://([A-Za-z0-9_.\\-]+(?:/[A-Za-z0-9_.\\-]+)*)");

  /** One reference in a template: a file reference or a value reference, and its path. */
  public record Ref(boolean file, String path) {}

  /** A path resolved to a declared secret; {@code key} null means the secret's single key (or {@code value}). */
  public record Declared(SecretSpec spec, String key) {}

  private ComposeRefs() {}

  /** The references in {@code template}, in order. */
  public static List<Ref> refs(String template) {
    List<Ref> out = new ArrayList<>();
    Matcher m = REFERENCE.matcher(template);
    while (m.find()) {
      out.add(new Ref(m.group(1).equals("dsofile"), m.group(2)));
    }
    return out;
  }

  /** The template with each reference replaced by {@code resolve}'s answer for it. */
  public static String render(String template, Function<Ref, String> resolve) {
    StringBuilder out = new StringBuilder();
    Matcher m = REFERENCE.matcher(template);
    int at = 0;
    while (m.find()) {
      out.append(template, at, m.start());
      out.append(resolve.apply(new Ref(m.group(1).equals("dsofile"), m.group(2))));
      at = m.end();
    }
    return out.append(template.substring(at)).toString();
  }

  /**
   * Whether a path may become a file path in a container: no {@code .} or {@code ..} segment (the
   * syntax already keeps out {@code /}-prefixes and every other character).
   */
  public static boolean safePath(String path) {
    for (String seg : path.split("/")) {
      if (seg.equals(".") || seg.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** The declared secret {@code path} names, by exact name first, then by the longest declared prefix. */
  public static Optional<Declared> declared(String path, Function<String, Optional<SecretSpec>> secrets) {
    Optional<SecretSpec> exact = secrets.apply(path);
    if (exact.isPresent()) {
      return Optional.of(new Declared(exact.get(), null));
    }
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      Optional<SecretSpec> prefix = secrets.apply(path.substring(0, slash));
      if (prefix.isPresent()) {
        return Optional.of(new Declared(prefix.get(), path.substring(slash + 1)));
      }
    }
    return Optional.empty();
  }

  /**
   * The value of {@code key} in {@code payload}; a null key takes the only key or {@code value}.
   * The error names the keys there are, never a value.
   */
  public static String pick(String secret, String key, SecretPayload payload) {
    var values = payload.values();
    if (key == null) {
      if (values.size() == 1) {
        return values.values().iterator().next();
      }
      if (values.containsKey("value")) {
        return values.get("value");
      }
      throw new InjectionException("secret '" + secret + "' has " + values.size() + " keys " + values.keySet()
          + "; name one in the reference: " + secret + "/<KEY>");
    }
    String v = values.get(key);
    if (v == null) {
      throw new InjectionException("secret '" + secret + "' has no key '" + key + "' (it has " + values.keySet()
          + "); fix the reference or the secret in its provider");
    }
    return v;
  }
}
