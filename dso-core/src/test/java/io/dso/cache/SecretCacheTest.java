package io.dso.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.provider.SecretPayload;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCacheTest {
  private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");

  private static SecretPayload payload(String password) {
    return new SecretPayload(Map.of("USER", "app", "PASSWORD", password));
  }

  @Test
  void firstPutIsVersionOne() {
    SecretCache cache = new SecretCache(true);

    SecretCache.Update u = cache.put("myapp/db", "aws", payload("pw1"), T0);

    assertThat(u.first()).isTrue();
    assertThat(u.changed()).isFalse();
    assertThat(u.previous()).isNull();
    CachedSecret c = u.current();
    assertThat(c.name()).isEqualTo("myapp/db");
    assertThat(c.provider()).isEqualTo("aws");
    assertThat(c.version()).isEqualTo(1);
    assertThat(c.payload()).isEqualTo(payload("pw1"));
    assertThat(c.sha256()).isEqualTo(payload("pw1").sha256());
    assertThat(c.fetchedAt()).isEqualTo(T0);
    assertThat(cache.get("myapp/db")).contains(c);
  }

  @Test
  void unchangedHashKeepsTheVersionAndIsNoChange() {
    SecretCache cache = new SecretCache(true);
    cache.put("s", "aws", payload("pw1"), T0);
    Map<String, String> reordered = new LinkedHashMap<>();
    reordered.put("USER", "app");
    reordered.put("PASSWORD", "pw1");

    SecretCache.Update u = cache.put("s", "aws", new SecretPayload(reordered), T0.plusSeconds(60));

    assertThat(u.first()).isFalse();
    assertThat(u.changed()).isFalse();
    assertThat(u.current().version()).isEqualTo(1);
    assertThat(u.current().fetchedAt()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void aFetchOfTheSameContentKeepsTheHeldPayloadSoEachIsHeldOnce() {
    SecretCache cache = new SecretCache(true);
    SecretPayload held = payload("pw1");
    cache.put("s", "aws", held, T0);

    SecretCache.Update same = cache.put("s", "aws", payload("pw1"), T0.plusSeconds(30));
    SecretCache.Update changed = cache.put("s", "aws", payload("pw2"), T0.plusSeconds(60));

    assertThat(same.current().payload()).isSameAs(held);
    assertThat(changed.current().payload()).isNotSameAs(held).isEqualTo(payload("pw2"));
  }

  @Test
  void aFetchOfTheSameContentWithNewMetadataKeepsTheNewPayload() {
    SecretCache cache = new SecretCache(true);
    cache.put("s", "aws", payload("pw1").withChangeToken("v1"), T0);

    SecretPayload retagged = payload("pw1").withChangeToken("v2");
    SecretCache.Update u = cache.put("s", "aws", retagged, T0.plusSeconds(30));

    assertThat(u.current().payload()).isSameAs(retagged);
    assertThat(u.changed()).isFalse();
  }

  @Test
  void changedContentBumpsTheVersionAndIsAChange() {
    SecretCache cache = new SecretCache(true);
    cache.put("s", "aws", payload("pw1"), T0);

    SecretCache.Update u = cache.put("s", "aws", payload("pw2"), T0.plusSeconds(60));

    assertThat(u.changed()).isTrue();
    assertThat(u.previous().version()).isEqualTo(1);
    assertThat(u.current().version()).isEqualTo(2);
    assertThat(u.current().payload()).isEqualTo(payload("pw2"));
  }

  @Test
  void versionKeepsGrowingEvenWhenContentGoesBack() {
    SecretCache cache = new SecretCache(true);
    cache.put("s", "aws", payload("a"), T0);
    cache.put("s", "aws", payload("b"), T0);

    SecretCache.Update back = cache.put("s", "aws", payload("a"), T0);

    assertThat(back.changed()).isTrue();
    assertThat(back.current().version()).isEqualTo(3);
  }

  @Test
  void entriesAreSeparatePerName() {
    SecretCache cache = new SecretCache(true);
    cache.put("a", "aws", payload("x"), T0);

    SecretCache.Update u = cache.put("b", "aws", payload("y"), T0);

    assertThat(u.first()).isTrue();
    assertThat(u.current().version()).isEqualTo(1);
    assertThat(cache.activeCount()).isEqualTo(2);
    assertThat(cache.snapshot()).extracting(CachedSecret::name).containsExactly("a", "b");
  }

  @Test
  void activeCountCountsUniqueSecrets() {
    SecretCache cache = new SecretCache(true);
    cache.put("a", "aws", payload("x"), T0);
    cache.put("a", "aws", payload("y"), T0);
    cache.put("b", "vault", payload("x"), T0);

    assertThat(cache.activeCount()).isEqualTo(2);
  }

  @Test
  void withoutKeepValuesNoPayloadIsStoredButChangesAreStillDetected() {
    SecretCache cache = new SecretCache(false);

    SecretCache.Update first = cache.put("s", "aws", payload("pw1"), T0);
    SecretCache.Update second = cache.put("s", "aws", payload("pw2"), T0);

    assertThat(first.current().payload()).isNull();
    assertThat(first.current().sha256()).isEqualTo(payload("pw1").sha256());
    assertThat(second.changed()).isTrue();
    assertThat(second.current().version()).isEqualTo(2);
    assertThat(cache.get("s").orElseThrow().payload()).isNull();
    assertThat(cache.activeCount()).isZero();
    assertThat(cache.get("s").orElseThrow().freshAt(T0, Duration.ofMinutes(5))).isFalse();
  }

  @Test
  void purgeReturnsEverythingAndEmptiesTheCache() {
    SecretCache cache = new SecretCache(true);
    cache.put("b", "aws", payload("x"), T0);
    cache.put("a", "vault", payload("y"), T0);

    List<CachedSecret> dropped = cache.purge();

    assertThat(dropped).extracting(CachedSecret::name).containsExactly("a", "b");
    assertThat(cache.activeCount()).isZero();
    assertThat(cache.snapshot()).isEmpty();
    assertThat(cache.get("a")).isEmpty();
    assertThat(cache.purge()).isEmpty();
    assertThat(cache.put("a", "vault", payload("y"), T0).first()).isTrue();
  }

  @Test
  void freshAtRespectsTheTtl() {
    SecretCache cache = new SecretCache(true);
    CachedSecret c = cache.put("s", "aws", payload("x"), T0).current();
    Duration ttl = Duration.ofMinutes(5);

    assertThat(c.freshAt(T0, ttl)).isTrue();
    assertThat(c.freshAt(T0.plus(ttl).minusMillis(1), ttl)).isTrue();
    assertThat(c.freshAt(T0.plus(ttl), ttl)).isFalse();
    assertThat(c.freshAt(T0.plus(Duration.ofHours(1)), ttl)).isFalse();
  }

  @Test
  void hashPrefixIsTwelveHexDigits() {
    CachedSecret c = new SecretCache(true).put("s", "aws", payload("x"), T0).current();

    assertThat(c.hashPrefix()).hasSize(12).matches("[0-9a-f]{12}");
    assertThat(c.sha256()).startsWith(c.hashPrefix());
  }
}
