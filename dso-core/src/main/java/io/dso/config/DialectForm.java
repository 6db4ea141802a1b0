package io.dso.config;

import java.util.Objects;

/**
 * One construct of the original Docker Secret Operator's dso.yaml that the loader recognised: what was
 * written ({@code form}), where ({@code line}, dotted {@code key}), and the native form it became.
 * {@code noEffect} marks keys that are accepted but do nothing here. Never holds a value.
 */
public record DialectForm(String form, int line, String key, String becomes, boolean noEffect) {
  public DialectForm {
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(becomes, "becomes");
  }

  /** {@code line 3: providers.aws.region: provider key at the provider level -> providers.aws.config.region}. */
  public String render() {
    String what = form.equals(key) ? key : key + ": " + form;
    return "line " + line + ": " + what + (noEffect ? " (no effect: " : " -> ") + becomes + (noEffect ? ")" : "");
  }
}
