package io.dso.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Networks, volumes and images a test makes on the rig daemon besides containers: user-defined
 * {@code internal: true} networks on a free private subnet, an image with an anonymous {@code VOLUME},
 * and removal of exactly the networks and volumes this instance made or was told about. Close it after
 * the containers are gone (a network in use cannot be removed).
 */
public final class RigResources implements AutoCloseable {
    /** {@code dso-test/busybox:1} plus {@code VOLUME /data}: every container of it gets an anonymous volume. */
    public static final String VOLUME_IMAGE = "dso-test/busybox-volume:1";

    /** An internal network: {@code prefix} is the first three octets with a dot, e.g. {@code "10.201.7."}. */
    public record Network(String name, String subnet, String prefix) {
        /** The address {@code prefix + host}, e.g. {@code ip(20)}. */
        public String ip(int host) {
            return prefix + host;
        }
    }

    private final DockerCli docker;
    private final List<String> networks = new ArrayList<>();
    private final Set<String> volumes = new LinkedHashSet<>();

    public RigResources(DockerCli docker) {
        this.docker = docker;
    }

    /**
     * Creates an {@code --internal} network named {@code name} on a random 10.x.y.0/24 subnet (other
     * tests on the daemon hold other subnets: a clash is retried, at most 20 times).
     */
    public Network internalNetwork(String name) {
        String last = "";
        for (int attempt = 0; attempt < 20; attempt++) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String prefix = "10." + r.nextInt(100, 250) + "." + r.nextInt(0, 256) + ".";
            String subnet = prefix + "0/24";
            DockerCli.Result res = docker.run("network", "create", "--internal", "--subnet", subnet, name);
            if (res.ok()) {
                networks.add(name);
                return new Network(name, subnet, prefix);
            }
            last = res.err().trim();
            if (!last.contains("overlap")) {
                break;
            }
        }
        throw new AssertionError("docker network create --internal " + name + " failed: " + last);
    }

    /** Remembers a network made by someone else (docker-compose) for removal on close. */
    public void trackNetwork(String name) {
        networks.add(name);
    }

    /** Remembers every volume {@code container} mounts, for removal on close (anonymous ones too). */
    public void trackVolumesOf(String container) {
        String out = docker.run("inspect", "--type", "container", "--format",
            "{{range .Mounts}}{{if eq .Type \"volume\"}}{{.Name}} {{end}}{{end}}", container).out().trim();
        for (String v : out.split("\\s+")) {
            if (!v.isEmpty()) {
                volumes.add(v);
            }
        }
    }

    /** Builds {@link #VOLUME_IMAGE} once per daemon (legacy builder, no network: no registry needed). */
    public static String volumeImage(DockerCli docker) {
        if (docker.run("image", "inspect", VOLUME_IMAGE).ok()) {
            return VOLUME_IMAGE;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dso-volume-image");
            Files.writeString(dir.resolve("Dockerfile"), "FROM " + DockerCli.BUSYBOX + "\nVOLUME /data\n");
            ProcessBuilder pb = new ProcessBuilder("docker", "build", "-q", "--network", "none", "-t", VOLUME_IMAGE,
                dir.toString()).redirectErrorStream(true);
            pb.environment().put("DOCKER_HOST", docker.host);
            pb.environment().put("DOCKER_BUILDKIT", "0");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("docker build " + VOLUME_IMAGE + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return VOLUME_IMAGE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (dir != null) {
                DockerCli.deleteTree(dir);
            }
        }
    }

    @Override
    public void close() {
        for (String n : networks) {
            docker.run("network", "rm", n);
        }
        for (String v : volumes) {
            docker.run("volume", "rm", "-f", v);
        }
    }
}
