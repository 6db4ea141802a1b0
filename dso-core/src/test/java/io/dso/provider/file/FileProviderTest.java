package io.dso.provider.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dso.provider.ProviderContext;
import io.dso.provider.ProviderException;
import io.dso.provider.SecretNotFoundException;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProviderTest {
  private static final FileProviderFactory FACTORY = new FileProviderFactory();

  @TempDir Path base;

  private SecretProvider provider(String dir) {
    return FACTORY.create(new ProviderContext("files", Map.of("dir", dir), base, Map.of(), Clock.systemUTC()));
  }

  private void write(String relative, String content) throws IOException {
    Path file = base.resolve("secrets").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static SecretRef ref(String name) {
    return new SecretRef("files", name);
  }

  @Test
  void plainFileIsKeyValueWithOneTrailingNewlineStripped() throws IOException {
    write("token", "s3cret\n");
    write("two-newlines", "s3cret\n\n");
    write("no-newline", "s3cret");
    SecretProvider p = provider("secrets");

    assertThat(p.fetch(ref("token")).values()).containsExactly(Map.entry("value", "s3cret"));
    assertThat(p.fetch(ref("two-newlines")).values()).containsExactly(Map.entry("value", "s3cret\n"));
    assertThat(p.fetch(ref("no-newline")).values()).containsExactly(Map.entry("value", "s3cret"));
  }

  @Test
  void nestedNameIsASubdirectory() throws IOException {
    write("myapp/db", "pw\n");

    assertThat(provider("secrets").fetch(ref("myapp/db")).values()).containsExactly(Map.entry("value", "pw"));
  }

  @Test
  void jsonFileGivesItsKeys() throws IOException {
    write("myapp/db.json", "{\"USER\": \"app\", \"PASSWORD\": \"pw\", \"PORT\": 5432}");

    assertThat(provider("secrets").fetch(ref("myapp/db")).values())
        .containsExactly(Map.entry("PASSWORD", "pw"), Map.entry("PORT", "5432"), Map.entry("USER", "app"));
  }

  @Test
  void plainFileHoldingAJsonObjectGivesItsKeys() throws IOException {
    write("creds", "  {\"USER\": \"app\"}\n");

    assertThat(provider("secrets").fetch(ref("creds")).values()).containsExactly(Map.entry("USER", "app"));
  }

  /**
   * BUG: FileProvider treats every plain file whose text starts with '{' as JSON and fails when it
   * is not, although its own contract is "a JSON object gives its keys; any other file is the key
   * value". LDAP password hashes ({SSHA}..., {SHA}...) and many tokens start with '{'.
   */
  @Test
  void plainValueThatOnlyStartsWithABraceIsAValue() throws IOException {
    write("ldap-admin", "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");

    assertThat(provider("secrets").fetch(ref("ldap-admin")).values())
        .containsExactly(Map.entry("value", "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="));
  }

  @Test
  void jsonFileWinsOverPlainFile() throws IOException {
    write("s", "plain");
    write("s.json", "{\"K\": \"json\"}");

    assertThat(provider("secrets").fetch(ref("s")).values()).containsExactly(Map.entry("K", "json"));
  }

  @Test
  void invalidJsonFileReportsPositionNotContent() throws IOException {
    String canary = "canary" + UUID.randomUUID().toString().replace("-", "");
    write("s.json", "{\"K\": " + canary + "}");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets").fetch(ref("s")));

    assertThat(e.getMessage()).contains("not valid JSON", "line 1", "column").doesNotContain(canary);
  }

  @Test
  void pathTraversalIsRejected() throws IOException {
    Files.writeString(base.resolve("x"), "outside");
    Files.createDirectories(base.resolve("secrets"));
    SecretProvider p = provider("secrets");

    for (String name : new String[] {"../x", "a/../../x", base.resolve("x").toString()}) {
      ProviderException e = catchThrowableOfType(ProviderException.class, () -> p.fetch(ref(name)));
      assertThat(e).as(name).isNotNull().isNotInstanceOf(SecretNotFoundException.class);
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("escapes the directory").doesNotContain("outside");
    }
  }

  @Test
  void missingFileInAnExistingDirIsNotFound() throws IOException {
    Files.createDirectories(base.resolve("secrets"));

    SecretNotFoundException e =
        catchThrowableOfType(SecretNotFoundException.class, () -> provider("secrets").fetch(ref("nope")));

    assertThat(e.getMessage()).contains("'nope'", "not found");
  }

  @Test
  void missingDirectoryIsAClearError() {
    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("no-such-dir").fetch(ref("s")));

    assertThat(e).isNotInstanceOf(SecretNotFoundException.class);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains(base.resolve("no-such-dir").toString(), "does not exist", "'dir'");
  }

  @Test
  void validateRequiresDir() {
    assertThat(FACTORY.type()).isEqualTo("file");
    assertThat(FACTORY.validate(Map.of())).containsExactly("missing required key 'dir'");
    assertThat(FACTORY.validate(Map.of("dir", "/run/secrets"))).isEmpty();
    assertThat(FACTORY.validate(Map.of("dir", "d", "path", "p"))).singleElement().asString().contains("unknown key 'path'");
  }

  @Test
  void theChangeTokenIsOneStatOfTheSecretsFileAndMovesWhenItIsWritten() throws IOException {
    write("app/db.json", "{\"U\": \"a\"}");
    write("app/key", "k1\n");
    SecretProvider p = provider("secrets");
    String db = p.changeToken(ref("app/db")).orElseThrow();
    String key = p.changeToken(ref("app/key")).orElseThrow();
    assertThat(p.changeToken(ref("app/db"))).contains(db);
    assertThat(p.fetch(ref("app/key")).changeToken()).as("a payload carries the token it was read under").contains(key);

    Path file = base.resolve("secrets/app/key");
    java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, "k2\n");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(before.toInstant().plusSeconds(10)));

    assertThat(p.changeToken(ref("app/key")).orElseThrow()).isNotEqualTo(key);
    assertThat(p.changeToken(ref("app/db"))).as("another secret's file is untouched").contains(db);
  }

  @Test
  void theChangeCheckOfAMissingSecretIsNotFound() throws IOException {
    write("present", "x");

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> provider("secrets").changeToken(ref("absent")));

    assertThat(e).isInstanceOf(SecretNotFoundException.class);
  }
}
