package io.dso.inject;

import io.dso.config.FileFormat;
import io.dso.config.InjectMode;
import io.dso.config.InjectSpec;
import io.dso.config.SecretSpec;
import io.dso.config.Targets;
import java.util.List;
import java.util.Map;

/** Secret specs for the inject tests. */
final class InjectFixtures {
  private InjectFixtures() {}

  static SecretSpec env(String name, Map<String, String> mappings) {
    return new SecretSpec(name, "local", new InjectSpec(InjectMode.ENV, null, null, null, null), false, null, null,
        new Targets(List.of(), Map.of()), mappings, 1);
  }

  static SecretSpec file(String name, String path, FileFormat format, Map<String, String> mappings) {
    return new SecretSpec(name, "local", new InjectSpec(InjectMode.FILE, path, null, null, format), false, null, null,
        new Targets(List.of(), Map.of()), mappings, 1);
  }

  static SecretSpec targeted(String name, List<String> containers, Map<String, String> labels) {
    return new SecretSpec(name, "local", new InjectSpec(InjectMode.ENV, null, null, null, null), false, null, null,
        new Targets(containers, labels), Map.of(), 1);
  }
}
