package io.dso.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.provider.PayloadJson;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads secrets from a JSON file at every fetch, so an edit is seen by the next fetch without
 * restarting the agent. Nothing of the file is kept between fetches: a parsed copy would hold every
 * value of the file in memory, also with {@code agent.cache: false}.
 */
final class LocalProvider implements SecretProvider {
  private final String name;
  private final Path file;

  LocalProvider(String name, Path file) {
    this.name = name;
    this.file = file;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    JsonNode root = current(ref.name());
    JsonNode secret = root.get(ref.name());
    if (secret == null) {
      throw new SecretNotFoundException(name, ref.name(), "no top-level key of that name in " + file);
    }
    return PayloadJson.toPayload(secret, name, ref.name());
  }

  private JsonNode current(String secret) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      JsonNode root = PayloadJson.parse(text, name, secret, "local secrets file " + file);
      if (!root.isObject()) {
        throw new ProviderException(
            name, secret, false,
            "local secrets file " + file + " must hold a JSON object {\"secret-name\": {\"KEY\": \"value\"}}");
      }
      return root;
    } catch (NoSuchFileException e) {
      throw new ProviderException(
          name, secret, false,
          "local secrets file " + file + " does not exist; create it or fix 'path' of provider '" + name + "'");
    } catch (IOException e) {
      throw new ProviderException(
          name, secret, true, "cannot read local secrets file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
