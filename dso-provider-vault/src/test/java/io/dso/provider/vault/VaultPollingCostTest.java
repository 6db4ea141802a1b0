package io.dso.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.dso.provider.ProviderContext;
import io.dso.provider.SecretProvider;
import io.dso.provider.SecretRef;
import io.dso.testing.FakeVaultServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a poll of 1,000 unchanged KV v2 secrets costs: one metadata request each and no data read.
 * The CPU time is printed for the record (the machine is shared, so it is not asserted).
 */
class VaultPollingCostTest {
  @Test
  void pollingAThousandUnchangedSecretsMakesOneMetadataRequestEachAndNoDataRead() throws Exception {
    MutableClock clock = new MutableClock();
    try (FakeVaultServer vault = new FakeVaultServer(clock)) {
      vault.addToken("hvs.CANARY-poll", 0, false);
      List<SecretRef> refs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        vault.putV2("secret", "fleet/app-" + i, Map.of("TOKEN", "CANARY-" + i));
        refs.add(new SecretRef("v", "fleet/app-" + i));
      }
      try (SecretProvider p = new VaultProviderFactory().create(new ProviderContext("v",
          Map.of("address", vault.address(), "token", "hvs.CANARY-poll", "kv_version", "2"), Path.of("."), Map.of(), clock))) {
        List<String> held = new ArrayList<>();
        for (SecretRef r : refs) {
          held.add(p.fetch(r).changeToken().orElseThrow());
        }
        int before = vault.log.size();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < refs.size(); i++) {
          assertThat(p.changeToken(refs.get(i))).contains(held.get(i));
        }
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        List<FakeVaultServer.Request> poll = vault.log.subList(before, vault.log.size());
        assertThat(poll).hasSize(1000).allSatisfy(r -> assertThat(r.path()).startsWith("secret/metadata/fleet/app-"));
        System.out.printf("vault poll of 1000 unchanged secrets: %d requests (all metadata), %d ms wall, %d ms CPU "
            + "(provider and fake server in one JVM)%n", poll.size(), wallMs, cpuMs);
      }
    }
  }
}
