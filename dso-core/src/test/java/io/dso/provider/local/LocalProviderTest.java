package io.dso.provider.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretPayload;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProviderTest {
  private static final LocalProviderFactory FACTORY = new LocalProviderFactory();

  @TempDir Path dir;

  private SecretProvider provider(String path) {
    return FACTORY.create(new ProviderContext("dev", Map.of("path", path), dir, Map.of(), Clock.systemUTC()));
  }

  private Path write(String relative, String json) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  private static SecretRef ref(String name) {
    return new SecretRef("dev", name);
  }

  @Test
  void readsASecret() throws IOException {
    write("secrets.json", "{\"myapp/db\": {\"DB_PASSWORD\": \"pw\", \"DB_USER\": \"app\"}, \"other\": {\"X\": \"y\"}}");

    SecretPayload p = provider("secrets.json").fetch(ref("myapp/db"));

    assertThat(p.values()).containsExactly(Map.entry("DB_PASSWORD", "pw"), Map.entry("DB_USER", "app"));
  }

  @Test
  void relativePathResolvesAgainstTheBaseDir() throws IOException {
    write("conf/secrets.json", "{\"s\": {\"K\": \"v\"}}");

    assertThat(provider("conf/secrets.json").fetch(ref("s")).values()).containsEntry("K", "v");
    assertThat(provider("./conf/../conf/secrets.json").fetch(ref("s")).values()).containsEntry("K", "v");
  }

  @Test
  void absolutePathIgnoresTheBaseDir() throws IOException {
    Path file = write("abs/secrets.json", "{\"s\": {\"K\": \"v\"}}");
    SecretProvider p =
        FACTORY.create(
            new ProviderContext("dev", Map.of("path", file.toString()), Path.of("/nonexistent"), Map.of(), Clock.systemUTC()));

    assertThat(p.fetch(ref("s")).values()).containsEntry("K", "v");
  }

  @Test
  void rereadsTheFileAfterItChanges() throws IOException {
    Path file = write("secrets.json", "{\"s\": {\"K\": \"old\"}}");
    SecretProvider p = provider("secrets.json");
    assertThat(p.fetch(ref("s")).values()).containsEntry("K", "old");

    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, "{\"s\": {\"K\": \"newer-value\"}}");
    Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plus(10, ChronoUnit.SECONDS)));

    assertThat(p.fetch(ref("s")).values()).containsEntry("K", "newer-value");
  }

  @Test
  void rereadsWhenOnlyTheModificationTimeChanges() throws IOException {
    Path file = write("secrets.json", "{\"s\": {\"K\": \"aaa\"}}");
    SecretProvider p = provider("secrets.json");
    assertThat(p.fetch(ref("s")).values()).containsEntry("K", "aaa");

    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, "{\"s\": {\"K\": \"bbb\"}}"); // same size
    Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plus(10, ChronoUnit.SECONDS)));

    assertThat(p.fetch(ref("s")).values()).containsEntry("K", "bbb");
  }

  @Test
  void unknownSecretIsNotFound() throws IOException {
    write("secrets.json", "{\"s\": {\"K\": \"v\"}}");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets.json").fetch(ref("nope")));

    assertThat(e).isInstanceOf(SecretNotFoundException.class);
    assertThat(e.retryable()).isFalse();
    assertThat(e.provider()).isEqualTo("dev");
    assertThat(e.secret()).isEqualTo("nope");
    assertThat(e.getMessage()).contains("'nope'", "not found", "dev");
  }

  @Test
  void missingFileIsANonRetryableErrorNamingThePath() {
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("missing.json").fetch(ref("s")));

    assertThat(e).isNotInstanceOf(SecretNotFoundException.class);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains(dir.resolve("missing.json").toString(), "does not exist", "path");
  }

  @Test
  void invalidJsonReportsLineAndColumnButNotTheContent() throws IOException {
    String canary = "canary" + UUID.randomUUID().toString().replace("-", "");
    write("secrets.json", "{\n  \"s\": {\n    \"K\": " + canary + "\n  }\n}\n");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets.json").fetch(ref("s")));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("not valid JSON", "line 3", "column").doesNotContain(canary);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(canary);
    }
  }

  /**
   * BUG: PayloadJson.parse uses ObjectMapper.readTree, which stops after the first JSON value and
   * ignores what follows, so a half-edited file such as a duplicated object or a stray brace is
   * accepted silently instead of being reported as invalid JSON.
   */
  @Test
  void trailingContentAfterTheObjectIsInvalidJson() throws IOException {
    write("secrets.json", "{\"s\": {\"K\": \"old\"}}\n{\"s\": {\"K\": \"new\"}}\n");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets.json").fetch(ref("s")));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("not valid JSON", "line 2");
  }

  @Test
  void fixedFileIsReadAgainAfterAnError() throws IOException {
    Path file = write("secrets.json", "{ broken");
    SecretProvider p = provider("secrets.json");
    catchThrowableOfType(ProviderException.class, () -> p.fetch(ref("s")));

    Files.writeString(file, "{\"s\": {\"K\": \"fixed\"}}");
    Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(5)));

    assertThat(p.fetch(ref("s")).values()).containsEntry("K", "fixed");
  }

  @Test
  void nestedObjectValueIsRejectedNamingTheKeyNotTheValue() throws IOException {
    String canary = "canary-" + UUID.randomUUID();
    write("secrets.json", "{\"s\": {\"OK\": \"fine\", \"NESTED\": {\"inner\": \"" + canary + "\"}}}");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets.json").fetch(ref("s")));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("NESTED", "'s'").doesNotContain(canary).doesNotContain("inner");
  }

  @Test
  void arrayAndNullValuesAreRejected() throws IOException {
    write("secrets.json", "{\"a\": {\"LIST\": [\"x\"]}, \"n\": {\"NOTHING\": null}}");
    SecretProvider p = provider("secrets.json");

    assertThat(catchThrowableOfType(ProviderException.class, () -> p.fetch(ref("a")))).hasMessageContaining("LIST");
    assertThat(catchThrowableOfType(ProviderException.class, () -> p.fetch(ref("n")))).hasMessageContaining("NOTHING");
  }

  @Test
  void secretThatIsNotAnObjectIsRejectedWithoutItsValue() throws IOException {
    String canary = "canary-" + UUID.randomUUID();
    write("secrets.json", "{\"s\": \"" + canary + "\"}");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets.json").fetch(ref("s")));

    assertThat(e.getMessage()).contains("must be a JSON object", "string").doesNotContain(canary);
  }

  @Test
  void topLevelMustBeAnObject() throws IOException {
    write("secrets.json", "[1, 2]");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets.json").fetch(ref("s")));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("must hold a JSON object");
  }

  @Test
  void numbersAndBooleansBecomeStrings() throws IOException {
    write("secrets.json", "{\"s\": {\"PORT\": 5432, \"TLS\": true, \"RATIO\": 1.5, \"OFF\": false}}");

    assertThat(provider("secrets.json").fetch(ref("s")).values())
        .containsEntry("PORT", "5432")
        .containsEntry("TLS", "true")
        .containsEntry("RATIO", "1.5")
        .containsEntry("OFF", "false");
  }

  @Test
  void factoryTypeIsLocal() {
    assertThat(FACTORY.type()).isEqualTo("local");
  }

  @Test
  void validateRequiresPath() {
    assertThat(FACTORY.validate(Map.of())).containsExactly("missing required key 'path'");
    assertThat(FACTORY.validate(Map.of("path", "  "))).containsExactly("missing required key 'path'");
  }

  @Test
  void validateRejectsUnknownKeys() {
    assertThat(FACTORY.validate(Map.of("path", "s.json", "pth", "x")))
        .singleElement()
        .asString()
        .contains("unknown key 'pth'", "allowed: path");
  }

  @Test
  void validateAcceptsAPath() {
    assertThat(FACTORY.validate(Map.of("path", "secrets.json"))).isEmpty();
  }

  private LocalProvider holding(boolean holdsValues) {
    return (LocalProvider) FACTORY.create(
        new ProviderContext("dev", Map.of("path", "secrets.json"), dir, Map.of(), Clock.systemUTC(), holdsValues));
  }

  private void replace(String json) throws IOException {
    Path tmp = write("secrets.json.tmp", json);
    Files.move(tmp, dir.resolve("secrets.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aBatchReadParsesTheFileOnceForAllItsSecretsAndReportsAMissingOneAlone() throws IOException {
    write("secrets.json", "{\"a\": {\"K\": \"1\"}, \"b\": {\"K\": \"2\"}, \"c\": {\"K\": \"3\"}}");
    LocalProvider p = holding(false);

    java.util.List<io.dso.provider.FetchResult> r = p.fetchAll(java.util.List.of(ref("a"), ref("nope"), ref("c")));

    assertThat(p.parses()).isEqualTo(1);
    assertThat(r.get(0).payload().values()).containsEntry("K", "1");
    assertThat(r.get(1).error()).isInstanceOf(SecretNotFoundException.class);
    assertThat(r.get(2).payload().values()).containsEntry("K", "3");
    p.fetchAll(java.util.List.of(ref("a"), ref("b")));
    assertThat(p.parses()).as("with values not held, nothing of the file outlives a batch").isEqualTo(2);
  }

  @Test
  void withValuesHeldTheFileIsParsedOncePerChangeWhateverTheNumberOfBatches() throws IOException {
    write("secrets.json", "{\"a\": {\"K\": \"1\"}, \"b\": {\"K\": \"2\"}}");
    LocalProvider p = holding(true);
    for (int i = 0; i < 5; i++) {
      p.fetchAll(java.util.List.of(ref("a")));
      p.fetchAll(java.util.List.of(ref("b")));
    }
    assertThat(p.parses()).isEqualTo(1);

    replace("{\"a\": {\"K\": \"1\"}, \"b\": {\"K\": \"22\"}}");

    assertThat(p.fetchAll(java.util.List.of(ref("b"))).getFirst().payload().values()).containsEntry("K", "22");
    p.fetchAll(java.util.List.of(ref("a")));
    assertThat(p.parses()).isEqualTo(2);
  }

  @Test
  void theChangeTokenStaysWhileTheFileIsUntouchedAndMovesOnAWriteOrAReplacement() throws IOException {
    Path file = write("secrets.json", "{\"s\": {\"K\": \"aaa\"}}");
    SecretProvider p = provider("secrets.json");
    String t0 = p.changeToken(ref("s")).orElseThrow();
    assertThat(p.changeToken(ref("s"))).contains(t0);
    assertThat(p.fetch(ref("s")).changeToken()).as("a payload carries the token it was read under").contains(t0);

    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, "{\"s\": {\"K\": \"bbb\"}}"); // same size, same inode
    Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plus(10, ChronoUnit.SECONDS)));
    String t1 = p.changeToken(ref("s")).orElseThrow();
    assertThat(t1).isNotEqualTo(t0);

    replace("{\"s\": {\"K\": \"ccc\"}}");
    assertThat(p.changeToken(ref("s")).orElseThrow()).isNotEqualTo(t1);
  }

  @Test
  void theChangeCheckOfAMissingFileSaysWhatToFix() {
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("missing.json").changeToken(ref("s")));

    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("does not exist", "path");
  }
}
