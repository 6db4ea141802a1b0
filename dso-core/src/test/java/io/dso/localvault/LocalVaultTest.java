package io.dso.localvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dso.localvault.VaultException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalVaultTest {
  static final String CANARY = "canary-7f3e9a51-lvault-unit";
  static final Map<String, String> NO_ENV = Map.of();

  @TempDir Path dir;

  Path home() {
    return dir.resolve("home");
  }

  LocalVault vaultWithOneEntry() {
    LocalVault v = LocalVault.init(home(), false, NO_ENV);
    v.put("app/db_password", CANARY);
    return v;
  }

  @Test
  void storedValuesComeBackAfterReopeningAndTheFileHoldsNoPlaintext() throws Exception {
    LocalVault v = vaultWithOneEntry();
    v.putAll(Map.of("app/user", "alice", "other/a.b-c_d/e", "ünïcödé"));
    LocalVault again = LocalVault.open(home(), NO_ENV);
    assertThat(again.get("app/db_password")).contains(CANARY);
    assertThat(again.get("other/a.b-c_d/e")).contains("ünïcödé");
    assertThat(again.get("app/missing")).isEmpty();
    assertThat(again.list()).extracting(LocalVault.Entry::name)
        .containsExactly("app/db_password", "app/user", "other/a.b-c_d/e");
    assertThat(again.list().getFirst().size()).isEqualTo(CANARY.length());
    try (Stream<Path> files = Files.list(home())) {
      for (Path f : files.toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(CANARY);
      }
    }
  }

  @Test
  void initCreatesAPrivateDirectoryAndA32ByteKeyAndRefusesToOverwriteWithoutForce() throws Exception {
    LocalVault v = vaultWithOneEntry();
    assertThat(v.createdKey()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home()))).isEqualTo("rwx------");
    Path key = home().resolve("master.key");
    assertThat(Files.size(key)).isEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(v.file()))).isEqualTo("rw-------");
    byte[] keyBefore = Files.readAllBytes(key);

    assertThatThrownBy(() -> LocalVault.init(home(), false, NO_ENV))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXISTS))
        .hasMessageContaining(v.file().toString()).hasMessageContaining("--force");
    assertThat(LocalVault.open(home(), NO_ENV).get("app/db_password")).contains(CANARY);

    LocalVault fresh = LocalVault.init(home(), true, NO_ENV);
    assertThat(fresh.createdKey()).isFalse();
    assertThat(fresh.list()).isEmpty();
    assertThat(Files.readAllBytes(key)).as("the backed-up key stays valid").isEqualTo(keyBefore);
  }

  @Test
  void initRefusedOverAnExistingVaultLeavesAMissingMasterKeyMissing() throws Exception {
    vaultWithOneEntry();
    Path key = home().resolve("master.key");
    Files.delete(key);

    assertThatThrownBy(() -> LocalVault.init(home(), false, NO_ENV))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXISTS));
    assertThat(key).as("a refused init writes no key that would hide the missing backup").doesNotExist();
    assertThatThrownBy(() -> LocalVault.open(home(), NO_ENV))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_KEY));
  }

  @Test
  void everyWriteUsesANewNonce() throws Exception {
    LocalVault v = vaultWithOneEntry();
    byte[] first = Files.readAllBytes(v.file());
    v.put("app/db_password", CANARY);
    byte[] second = Files.readAllBytes(v.file());
    assertThat(second).isNotEqualTo(first);
    int nonceAt = 8 + 2 + 2 + 12 + 16;
    assertThat(java.util.Arrays.copyOfRange(second, nonceAt, nonceAt + 12))
        .isNotEqualTo(java.util.Arrays.copyOfRange(first, nonceAt, nonceAt + 12));
  }

  @Test
  void aFlippedByteAnywhereIsAnErrorNamingTheFileNeverAnEmptyVault() throws Exception {
    LocalVault v = vaultWithOneEntry();
    byte[] good = Files.readAllBytes(v.file());
    Set<Reason> seen = new HashSet<>();
    // marker, version, kdf params, salt, nonce, key check, body length, checksum, ciphertext, tag
    int[] offsets = {0, 9, 12, 20, 30, 45, 60, 68, 75, VaultCodec.HEADER, VaultCodec.HEADER + 5, good.length - 1};
    for (int at : offsets) {
      byte[] bad = good.clone();
      bad[at] ^= 0x01;
      Files.write(v.file(), bad);
      assertThatThrownBy(() -> LocalVault.open(home(), NO_ENV).list()).as("flip at %d", at)
          .isInstanceOfSatisfying(VaultException.class, e -> {
            seen.add(e.reason());
            assertThat(e.reason()).as("flip at %d: %s", at, e.getMessage())
                .isIn(Reason.TAMPERED, Reason.NOT_A_VAULT, Reason.UNSUPPORTED_VERSION);
          })
          .hasMessageContaining(v.file().toString())
          .hasMessageNotContaining(CANARY);
    }
    assertThat(seen).contains(Reason.TAMPERED, Reason.NOT_A_VAULT, Reason.UNSUPPORTED_VERSION);
    Files.write(v.file(), good);
    assertThat(LocalVault.open(home(), NO_ENV).get("app/db_password")).contains(CANARY);
  }

  @Test
  void aTruncatedFileIsReportedAsTruncatedAtEveryLength() throws Exception {
    LocalVault v = vaultWithOneEntry();
    byte[] good = Files.readAllBytes(v.file());
    for (int len : new int[] {0, 5, 9, 40, VaultCodec.HEADER - 1, VaultCodec.HEADER, good.length - 1}) {
      Files.write(v.file(), java.util.Arrays.copyOf(good, len));
      assertThatThrownBy(() -> LocalVault.open(home(), NO_ENV)).as("length %d", len)
          .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
          .hasMessageContaining(v.file().toString()).hasMessageContaining("truncated");
    }
  }

  @Test
  void theWrongMasterKeyIsItsOwnErrorAndTheEnvironmentKeyWins() {
    vaultWithOneEntry();
    assertThatThrownBy(() -> LocalVault.open(home(), Map.of("DSO_MASTER_KEY", "not-the-key-used-to-write-it")))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_KEY))
        .hasMessageContaining("vault.enc").hasMessageContaining("DSO_MASTER_KEY");
  }

  @Test
  void aVaultMadeWithAnEnvironmentKeyCreatesNoKeyFileAndOpensWithItsBase64Form() throws Exception {
    Map<String, String> env = Map.of("DSO_MASTER_KEY", "correct horse battery staple, long enough");
    LocalVault v = LocalVault.init(home(), false, env);
    v.put("app/x", CANARY);
    assertThat(v.createdKey()).isFalse();
    assertThat(home().resolve("master.key")).doesNotExist();
    assertThatThrownBy(() -> LocalVault.open(home(), NO_ENV))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_KEY));

    Path other = dir.resolve("other");
    LocalVault.init(other, false, NO_ENV).put("app/y", CANARY);
    String b64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(other.resolve("master.key")));
    Files.delete(other.resolve("master.key"));
    assertThat(LocalVault.open(other, Map.of("DSO_MASTER_KEY", b64)).get("app/y")).contains(CANARY);
  }

  @Test
  void aRandomKeyGetsTheLightArgon2CostAndAPassphraseTheOwaspMinimumBothRecordedInTheHeader() throws Exception {
    LocalVault random = LocalVault.init(home(), false, NO_ENV);
    LocalVault passphrase = LocalVault.init(dir.resolve("p"), false, Map.of("DSO_MASTER_KEY", "a passphrase, not 32 random bytes"));
    assertThat(kdfOf(random.file())).isEqualTo(VaultCodec.Kdf.RANDOM_KEY);
    assertThat(kdfOf(passphrase.file())).isEqualTo(new VaultCodec.Kdf(19 * 1024, 2, 1));
  }

  static VaultCodec.Kdf kdfOf(Path file) throws Exception {
    return VaultCodec.header(Files.readAllBytes(file), file).kdf();
  }

  @Test
  void anUnknownFormatVersionWithAValidChecksumIsReportedAsSuch() throws Exception {
    LocalVault v = vaultWithOneEntry();
    byte[] bad = Files.readAllBytes(v.file());
    bad[9] = 2;
    Files.write(v.file(), bad);
    assertThatThrownBy(() -> LocalVault.open(home(), NO_ENV))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION))
        .hasMessageContaining("format version 2");
  }

  @Test
  void aMissingVaultSaysToRunInit() {
    assertThatThrownBy(() -> LocalVault.open(home(), NO_ENV))
        .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING))
        .hasMessageContaining("dso init");
  }

  @Test
  void removeSaysWhetherTheEntryExisted() {
    LocalVault v = vaultWithOneEntry();
    assertThat(v.remove("app/db_password")).isTrue();
    assertThat(v.remove("app/db_password")).isFalse();
    assertThat(v.list()).isEmpty();
  }

  @Test
  void writersOnManyThreadsLoseNothing() throws Exception {
    LocalVault.init(home(), false, NO_ENV);
    List<Thread> threads = new java.util.ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      // Each thread opens its own handle, as separate commands would.
      threads.add(Thread.ofVirtual().uncaughtExceptionHandler((th, e) -> failures.add(e)).start(() -> {
        LocalVault mine = LocalVault.open(home(), NO_ENV);
        for (int i = 0; i < 5; i++) {
          mine.put("t" + id + "/k" + i, "v");
        }
      }));
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(failures).isEmpty();
    assertThat(LocalVault.open(home(), NO_ENV).list()).hasSize(20);
  }

  @Test
  void namesFollowTheReferenceRule() {
    assertThat(VaultNames.problem("myapp/db_password")).isEmpty();
    assertThat(VaultNames.problem("my-app/a.b/C_9")).isEmpty();
    for (String bad : new String[] {"", "single", "/lead", "trail/", "a//b", "a/b c", "a/b$", "a/../b", "./x",
        "a/b\n", "a/é", "x/" + "y".repeat(200)}) {
      assertThat(VaultNames.problem(bad)).as("'%s'", bad).isPresent()
          .hasValueSatisfying(p -> assertThat(p).contains("<project>/<path>"));
    }
    assertThatThrownBy(() -> vaultWithOneEntry().put("nope", "v")).isInstanceOf(IllegalArgumentException.class);
    assertThat(io.dso.compose.EnvTemplate.parse("dso://my-app/a.b/C_9").references().getFirst().path())
        .isEqualTo("my-app/a.b/C_9");
  }
}
