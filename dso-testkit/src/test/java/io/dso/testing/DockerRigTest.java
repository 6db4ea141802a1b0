package io.dso.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

@Tag("docker")
class DockerRigTest {

    @Test
    void rigDaemonAnswersPing() {
        String host = DockerRig.dockerHost();
        assertThat(host).startsWith("unix://");
        DockerRig.awaitPing(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dso-test/busybox:1", "dso-test/busybox-hc:1", "dso-test/busybox-unhealthy:1"})
    void rigImageExists(String image) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
            .redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", DockerRig.dockerHost());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("docker image inspect finished").isTrue();
        assertThat(p.exitValue()).as("docker image inspect %s: %s (scripts/test-rig.sh up builds it)", image, out)
            .isZero();
        assertThat(out).startsWith("sha256:");
    }
}
