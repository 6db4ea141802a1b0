package io.dso.provider.file;

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
import java.nio.file.Path;
import java.util.Map;

/**
 * Secret {@code a/b} is the file {@code <dir>/a/b} or {@code <dir>/a/b.json}. A {@code .json}
 * file (or any file whose content is a JSON object) gives its keys; any other file is the key
 * {@code value}, with one trailing newline removed.
 */
final class FileProvider implements SecretProvider {
  private final String name;
  private final Path dir;

  FileProvider(String name, Path dir) {
    this.name = name;
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    Path plain = dir.resolve(ref.name()).normalize();
    Path json = dir.resolve(ref.name() + ".json").normalize();
    if (!plain.startsWith(dir) || !json.startsWith(dir)) {
      throw new ProviderException(
          name, ref.name(), false, "secret name '" + ref.name() + "' escapes the directory " + dir + "; use a plain relative name");
    }
    try {
      if (Files.isRegularFile(json)) {
        return PayloadJson.toPayload(
            PayloadJson.parse(Files.readString(json, StandardCharsets.UTF_8), name, ref.name(), "secret file " + json),
            name, ref.name());
      }
      if (Files.isRegularFile(plain)) {
        String text = Files.readString(plain, StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("{")) {
          // A JSON object gives keys; anything else that merely starts with '{' (e.g. an LDAP
          // "{SSHA}..." hash) is a plain value. Use a .json name to make invalid JSON an error.
          try {
            return PayloadJson.toPayload(PayloadJson.parse(text, name, ref.name(), "secret file " + plain), name, ref.name());
          } catch (ProviderException notJson) {
            // fall through to the plain value
          }
        }
        return new SecretPayload(Map.of("value", withoutFinalNewline(text)));
      }
    } catch (IOException e) {
      throw new ProviderException(
          name, ref.name(), true, "cannot read secret file for '" + ref.name() + "' below " + dir + ": " + e.getClass().getSimpleName(), e);
    }
    if (!Files.isDirectory(dir)) {
      throw new ProviderException(
          name, ref.name(), false, "secrets directory " + dir + " does not exist; create it or fix 'dir' of provider '" + name + "'");
    }
    throw new SecretNotFoundException(name, ref.name(), "neither " + plain + " nor " + json + " exists");
  }

  static String withoutFinalNewline(String text) {
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
