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
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;

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

  /**
   * The identity, size and times of the file that holds the secret: one {@code stat}, so a poll of an
   * unchanged secret reads nothing. A missing file falls back to a read, which reports why.
   */
  @Override
  public Optional<String> changeToken(SecretRef ref) {
    Path plain = checked(ref, dir.resolve(ref.name()).normalize());
    Path json = checked(ref, dir.resolve(ref.name() + ".json").normalize());
    return token(ref, json, "json").or(() -> token(ref, plain, "plain")).or(() -> fetch(ref).changeToken());
  }

  private Optional<String> token(SecretRef ref, Path file, String kind) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(kind + "/" + a.fileKey() + "/" + a.size() + "/" + a.lastModifiedTime().toInstant()
          + "/" + Files.getAttribute(file, "unix:ctime"));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new ProviderException(name, ref.name(), true,
          "cannot read secret file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private Path checked(SecretRef ref, Path p) {
    if (!p.startsWith(dir)) {
      throw new ProviderException(
          name, ref.name(), false, "secret name '" + ref.name() + "' escapes the directory " + dir + "; use a plain relative name");
    }
    return p;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    Path plain = checked(ref, dir.resolve(ref.name()).normalize());
    Path json = checked(ref, dir.resolve(ref.name() + ".json").normalize());
    // Taken before the read: a write during the read shows as a change at the next poll.
    Optional<String> token = token(ref, json, "json").or(() -> token(ref, plain, "plain"));
    SecretPayload p = read(ref, plain, json);
    return token.map(p::withChangeToken).orElse(p);
  }

  private SecretPayload read(SecretRef ref, Path plain, Path json) {
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
