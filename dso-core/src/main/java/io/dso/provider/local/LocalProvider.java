package io.dso.provider.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.dso.provider.FetchResult;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads secrets from one JSON file. The change token is the file's identity, size and times, so a
 * poll of an unchanged file costs one {@code stat}; a batch read parses the file once for all its
 * secrets. When the agent holds values ({@code agent.cache: true}) the parsed file is kept until the
 * file changes, so one edit costs one parse whatever the number of secrets; otherwise nothing of the
 * file outlives the call that read it. A single {@link #fetch} always reads the file afresh.
 */
final class LocalProvider implements SecretProvider {
  private final String name;
  private final Path file;
  private final boolean keepParsed;
  /** The last parse and the token it was read under; only set when {@code keepParsed}. */
  private Parsed parsed;
  private final java.util.concurrent.atomic.AtomicInteger parses = new java.util.concurrent.atomic.AtomicInteger();

  private record Parsed(String token, JsonNode root) {}

  LocalProvider(String name, Path file, boolean keepParsed) {
    this.name = name;
    this.file = file;
    this.keepParsed = keepParsed;
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    String token = token(ref.name());
    return payload(read(ref.name()), ref.name(), token);
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    return Optional.of(token(ref.name()));
  }

  /** One parse serves every secret of the batch (and, with values held, every batch until the file changes). */
  @Override
  public List<FetchResult> fetchAll(List<SecretRef> refs) {
    if (refs.isEmpty()) {
      return List.of();
    }
    String what = refs.getFirst().name();
    String token = token(what);
    JsonNode root = parsedUnder(token, what);
    List<FetchResult> out = new ArrayList<>(refs.size());
    for (SecretRef ref : refs) {
      try {
        out.add(FetchResult.of(ref, payload(root, ref.name(), token)));
      } catch (ProviderException e) {
        out.add(FetchResult.failed(ref, e));
      }
    }
    return out;
  }

  private JsonNode parsedUnder(String token, String secret) {
    synchronized (this) {
      if (parsed != null && parsed.token().equals(token)) {
        return parsed.root();
      }
    }
    JsonNode root = read(secret);
    if (keepParsed) {
      synchronized (this) {
        parsed = new Parsed(token, root);
      }
    }
    return root;
  }

  private SecretPayload payload(JsonNode root, String secret, String token) {
    JsonNode node = root.get(secret);
    if (node == null) {
      throw new SecretNotFoundException(name, secret, "no top-level key of that name in " + file);
    }
    // The token was taken before the read: a write during the read shows as a change at the next poll.
    return PayloadJson.toPayload(node, name, secret).withChangeToken(token);
  }

  /** The file's inode, size, modification and change times: any write or replacement changes it. */
  private String token(String secret) {
    try {
      // One stat: identity, size and both times (a write within one mtime tick still moves ctime or size).
      java.util.Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime");
      return a.get("dev") + ":" + a.get("ino") + "/" + a.get("size") + "/" + a.get("lastModifiedTime") + "/" + a.get("ctime");
    } catch (NoSuchFileException e) {
      throw missing(secret);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new ProviderException(
          name, secret, true, "cannot read local secrets file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private ProviderException missing(String secret) {
    return new ProviderException(
        name, secret, false,
        "local secrets file " + file + " does not exist; create it or fix 'path' of provider '" + name + "'");
  }

  /** How often the file was parsed (for tests). */
  int parses() {
    return parses.get();
  }

  private JsonNode read(String secret) {
    parses.incrementAndGet();
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
      throw missing(secret);
    } catch (IOException e) {
      throw new ProviderException(
          name, secret, true, "cannot read local secrets file " + file + ": " + e.getClass().getSimpleName(), e);
    }
  }
}
