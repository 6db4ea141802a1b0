package io.dso.compose;

import io.dso.config.SecretSpec;
import io.dso.inject.ComposeFiles;
import io.dso.provider.SecretPayload;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Planning} needs from where it runs: declared secrets and their payloads, local vault
 * entries, the version labels (inside the agent only) and the directory for file references.
 */
interface PlanSources {
  Optional<SecretSpec> declared(String name);

  /** Declared names, for messages. */
  List<String> declaredNames();

  /** The current payload of a declared secret; an {@link io.dso.api.ApiException} when it cannot be had. */
  SecretPayload payload(SecretSpec spec);

  /** Whether names that are not declared are looked up in the local vault. */
  boolean vault();

  /** A local vault entry as a payload, or empty when there is no such entry. */
  Optional<SecretPayload> vaultEntry(String name);

  /** The version label of a declared secret's payload, or null where no agent key exists. */
  String version(SecretSpec spec, SecretPayload payload);

  /** Where file references are written; null when they cannot be served. */
  ComposeFiles files();

  /** True when a running agent rotates the planned services later. */
  boolean rotating();
}
