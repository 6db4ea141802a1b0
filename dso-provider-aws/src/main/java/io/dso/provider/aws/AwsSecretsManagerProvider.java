package io.dso.provider.aws;

import io.dso.provider.FetchResult;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretAccessDeniedException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * One {@code aws} provider: GetSecretValue for a read, DescribeSecret's staged version id as the
 * cheap change token, BatchGetSecretValue (20 secrets a call) for many current secrets at once.
 */
final class AwsSecretsManagerProvider implements SecretProvider {
  private static final Logger LOG = LoggerFactory.getLogger(AwsSecretsManagerProvider.class);
  /** The service's limit of secret ids per BatchGetSecretValue call. */
  static final int BATCH_LIMIT = 20;
  static final String GET = "secretsmanager:GetSecretValue";
  static final String BATCH = "secretsmanager:BatchGetSecretValue";
  static final String DESCRIBE = "secretsmanager:DescribeSecret";

  private final String name;
  private final AwsSettings settings;
  private final AwsClients clients;
  private final SecretsManagerClient sm;
  private final AwsErrors errors;
  // Set once the batch call is denied: an identity with GetSecretValue only still works, one by one.
  private final AtomicBoolean batchDenied = new AtomicBoolean();

  AwsSecretsManagerProvider(String name, AwsSettings settings, AwsClients clients) {
    this.name = name;
    this.settings = settings;
    this.clients = clients;
    this.sm = clients.secretsManager;
    this.errors = new AwsErrors(name, clients.region.id(), settings.roleArn());
  }

  @Override
  public SecretPayload fetch(SecretRef ref) {
    SecretAddress at = SecretAddress.of(name, ref.name(), settings);
    GetSecretValueResponse r;
    try {
      r = sm.getSecretValue(b -> b.secretId(at.id()).versionStage(at.versionStage()).versionId(at.versionId()));
    } catch (SdkException e) {
      throw errors.map(e, ref.name(), GET);
    }
    Map<String, String> tags = Map.of();
    if (settings.includeTags()) {
      tags = tags(describe(ref, at));
    }
    SecretPayload payload = AwsPayloads.of(name, ref.name(), r.secretString(), r.secretBinary(), tags);
    return payload.withChangeToken(token(r.versionId(), tags));
  }

  @Override
  public Optional<String> changeToken(SecretRef ref) {
    SecretAddress at = SecretAddress.of(name, ref.name(), settings);
    if (at.versionId() != null && !settings.includeTags()) {
      return Optional.of(token(at.versionId(), Map.of())); // a pinned version never changes: no call
    }
    DescribeSecretResponse d = describe(ref, at);
    String version = at.versionId();
    if (version == null) {
      for (var e : d.versionIdsToStages().entrySet()) {
        if (e.getValue().contains(at.versionStage())) {
          version = e.getKey();
        }
      }
    }
    if (version == null) {
      // No version holds the label: the read will report it as not found.
      return Optional.empty();
    }
    return Optional.of(token(version, settings.includeTags() ? tags(d) : Map.of()));
  }

  @Override
  public List<FetchResult> fetchAll(List<SecretRef> refs) {
    FetchResult[] out = new FetchResult[refs.size()];
    Map<String, List<Integer>> byId = new LinkedHashMap<>();
    Map<Integer, SecretAddress> addresses = new LinkedHashMap<>();
    for (int i = 0; i < refs.size(); i++) {
      SecretRef ref = refs.get(i);
      try {
        SecretAddress at = SecretAddress.of(name, ref.name(), settings);
        // Only current versions can be read in a batch; tags need DescribeSecret per secret anyway.
        if (at.current() && !settings.includeTags() && !batchDenied.get()) {
          byId.computeIfAbsent(at.id(), k -> new ArrayList<>()).add(i);
          addresses.put(i, at);
        } else {
          out[i] = one(ref);
        }
      } catch (ProviderException e) {
        out[i] = FetchResult.failed(ref, e);
      }
    }
    List<String> ids = new ArrayList<>(byId.keySet());
    for (int from = 0; from < ids.size(); from += BATCH_LIMIT) {
      batch(refs, ids.subList(from, Math.min(ids.size(), from + BATCH_LIMIT)), byId, addresses, out);
    }
    return List.of(out);
  }

  private void batch(List<SecretRef> refs, List<String> ids, Map<String, List<Integer>> byId,
      Map<Integer, SecretAddress> addresses, FetchResult[] out) {
    if (batchDenied.get()) {
      ids.forEach(id -> byId.get(id).forEach(i -> out[i] = one(refs.get(i))));
      return;
    }
    BatchGetSecretValueResponse r;
    try {
      r = sm.batchGetSecretValue(b -> b.secretIdList(ids));
    } catch (SdkException e) {
      ProviderException pe = errors.map(e, ids.size() + " secrets", BATCH);
      // Only a denial of the batch action itself; a refused role would refuse single reads too.
      boolean batchRefused = pe instanceof SecretAccessDeniedException && pe.getMessage().contains(BATCH);
      if (batchRefused && batchDenied.compareAndSet(false, true)) {
        LOG.warn("provider '{}': {} is denied; reading secrets one by one with {} instead (grant it to save calls)", name, BATCH, GET);
      }
      if (batchRefused) {
        ids.forEach(id -> byId.get(id).forEach(i -> out[i] = one(refs.get(i))));
        return;
      }
      for (String id : ids) {
        for (int i : byId.get(id)) {
          SecretRef ref = refs.get(i);
          out[i] = FetchResult.failed(ref, new ProviderException(name, ref.name(), pe.retryable(), pe.getMessage(), null));
        }
      }
      return;
    }
    for (SecretValueEntry v : r.secretValues()) {
      for (String id : ids) {
        for (int i : byId.get(id)) {
          if (out[i] == null && addresses.get(i).matches(v.name(), v.arn())) {
            SecretRef ref = refs.get(i);
            try {
              out[i] = FetchResult.of(ref, AwsPayloads.of(name, ref.name(), v.secretString(), v.secretBinary(), Map.of())
                  .withChangeToken(token(v.versionId(), Map.of())));
            } catch (ProviderException e) {
              out[i] = FetchResult.failed(ref, e);
            }
          }
        }
      }
    }
    for (var err : r.errors()) {
      List<Integer> idx = byId.get(err.secretId());
      if (idx != null && ids.contains(err.secretId())) {
        for (int i : idx) {
          if (out[i] == null) {
            out[i] = FetchResult.failed(refs.get(i), errors.batchEntry(refs.get(i).name(), err.errorCode(), err.message()));
          }
        }
      }
    }
    for (String id : ids) {
      for (int i : byId.get(id)) {
        if (out[i] == null) {
          // Neither a value nor an error came back for it: read it alone rather than guess.
          out[i] = one(refs.get(i));
        }
      }
    }
  }

  private FetchResult one(SecretRef ref) {
    try {
      return FetchResult.of(ref, fetch(ref));
    } catch (ProviderException e) {
      return FetchResult.failed(ref, e);
    }
  }

  private DescribeSecretResponse describe(SecretRef ref, SecretAddress at) {
    try {
      return sm.describeSecret(b -> b.secretId(at.id()));
    } catch (SdkException e) {
      throw errors.map(e, ref.name(), DESCRIBE);
    }
  }

  private static Map<String, String> tags(DescribeSecretResponse d) {
    Map<String, String> tags = new TreeMap<>();
    for (Tag t : d.tags()) {
      if (t.key() != null && t.value() != null) {
        tags.put(t.key(), t.value());
      }
    }
    return tags;
  }

  /** The version id, plus a digest of the tags when they are part of the payload (they change without a new version). */
  private static String token(String versionId, Map<String, String> tags) {
    String v = versionId == null ? "" : versionId;
    if (tags.isEmpty()) {
      return v;
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      tags.forEach((k, val) -> d.update((k + "\u0000" + val + "\u0000").getBytes(StandardCharsets.UTF_8)));
      return v + "+tags:" + HexFormat.of().formatHex(d.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  @Override
  public void close() {
    clients.close();
  }
}
