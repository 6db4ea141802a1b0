package io.dso.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Compose {@code environment} value with secret references in it: {@code dso://<path>} stands for
 * the secret's value, {@code dsofile://<path>} for the path of a file holding it. A reference may sit
 * inside a longer string ({@code postgresql://dso://myapp/user:dso://myapp/pass@db/app}); the path is
 * one or more segments of letters, digits, {@code _ . -} separated by {@code /}. The template itself
 * holds no value, so it may be stored in a container label.
 */
public record EnvTemplate(String text, List<Part> parts) {
  private static final Pattern REFERENCE =
      Pattern.compile("(dsofile|dso)://([A-Za-z0-9_.\\-]+(?:/[A-Za-z0-9_.\\-]+)*)");

  /** How a reference is injected. */
  public enum Kind {
    /** {@code dso://}: the value itself. */
    VALUE,
    /** {@code dsofile://}: the path of a read-only file that holds the value. */
    FILE
  }

  /** A literal run of text, or a reference (then {@code literal} is null). */
  public record Part(String literal, Kind kind, String path) {
    public boolean isReference() {
      return literal == null;
    }
  }

  public EnvTemplate {
    parts = List.copyOf(parts);
  }

  /** Splits {@code text} into literal runs and references. */
  public static EnvTemplate parse(String text) {
    List<Part> parts = new ArrayList<>();
    Matcher m = REFERENCE.matcher(text);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        parts.add(new Part(text.substring(at, m.start()), null, null));
      }
      Kind kind = m.group(1).equals("dso") ? Kind.VALUE : Kind.FILE;
      parts.add(new Part(null, kind, m.group(2)));
      at = m.end();
    }
    if (at < text.length()) {
      parts.add(new Part(text.substring(at), null, null));
    }
    return new EnvTemplate(text, parts);
  }

  /** True when {@code text} holds at least one reference. */
  public static boolean hasReference(String text) {
    return text != null && REFERENCE.matcher(text).find();
  }

  public List<Part> references() {
    return parts.stream().filter(Part::isReference).toList();
  }

  /** The text with every reference replaced by what {@code resolve} gives for it. */
  public String render(Function<Part, String> resolve) {
    StringBuilder out = new StringBuilder();
    for (Part p : parts) {
      out.append(p.isReference() ? resolve.apply(p) : p.literal());
    }
    return out.toString();
  }
}
