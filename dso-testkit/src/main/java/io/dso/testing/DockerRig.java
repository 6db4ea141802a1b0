package io.dso.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Docker daemon of the test rig ({@code scripts/test-rig.sh}, started by {@code ./run-tests}).
 * Tests call {@link #dockerHost()} first: it fails under the rig or in CI when no daemon answers, and
 * skips (JUnit assumption) when a developer runs a single test without the rig.
 */
public final class DockerRig {
    public static final String NEED_DAEMON = "Docker tests need a daemon: run ./run-tests, which starts one";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private DockerRig() {}

    /** DOCKER_HOST (unix://...) of a daemon that answers {@code /_ping}. */
    public static String dockerHost() {
        String host = configuredHost();
        try {
            ping(socketPath(host), PING_TIMEOUT);
        } catch (IOException e) {
            throw RigPolicy.unavailable(NEED_DAEMON, "no answer on DOCKER_HOST=" + host + ": " + e.getMessage());
        }
        return host;
    }

    /** Waits (bounded) until the daemon of DOCKER_HOST answers {@code /_ping}. */
    public static void awaitPing(Duration timeout) {
        String host = configuredHost();
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last;
        do {
            try {
                ping(socketPath(host), PING_TIMEOUT);
                return;
            } catch (IOException e) {
                last = e;
            }
            sleep(Duration.ofMillis(100));
        } while (System.nanoTime() < deadline);
        throw RigPolicy.unavailable(NEED_DAEMON,
            "DOCKER_HOST=" + host + " did not answer /_ping within " + timeout + ": " + last.getMessage());
    }

    private static String configuredHost() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            throw RigPolicy.unavailable(NEED_DAEMON, "DOCKER_HOST is not set");
        }
        if (!host.startsWith("unix://")) {
            throw RigPolicy.unavailable(NEED_DAEMON, "the rig uses a unix socket, DOCKER_HOST=" + host);
        }
        return host;
    }

    private static Path socketPath(String host) {
        return Path.of(host.substring("unix://".length()));
    }

    /** One {@code GET /_ping HTTP/1.0}; the daemon closes the connection after the answer. */
    static void ping(Path socket, Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            // blocking channels have no read timeout: a watchdog closes the channel instead
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(timeout);
                    ch.close();
                } catch (InterruptedException | IOException ignored) {
                    // interrupted: the ping finished in time
                }
            });
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (answer.size() < 65536 && ch.read(buf.clear()) > 0) {
                    answer.write(buf.array(), 0, buf.position());
                }
                String text = answer.toString(StandardCharsets.US_ASCII);
                if (!text.startsWith("HTTP/1.") || !text.split("\r\n", 2)[0].contains(" 200 ")
                    || !text.endsWith("OK")) {
                    throw new IOException("unexpected /_ping answer: "
                        + text.substring(0, Math.min(text.length(), 200)));
                }
            } finally {
                watchdog.interrupt();
            }
        } finally {
            ch.close();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
