package io.dso.docker;

import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.UnauthorizedException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns docker-java and transport failures into {@link DockerOperationException}s whose message
 * says what went wrong and what to do. The daemon's own words are kept (they name the container or
 * image) but stripped of the JSON envelope docker-java wraps them in.
 */
final class ExceptionMapping {
  private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private ExceptionMapping() {}

  static DockerOperationException map(String host, String operation, String container, RuntimeException e) {
    if (e instanceof DockerOperationException already) {
      return already;
    }
    return new DockerOperationException(operation, container, describe(host, e), e, transport(e));
  }

  /** No answer from the daemon at all (refused, reset, timed out, socket gone), as opposed to an HTTP error. */
  static boolean transport(RuntimeException e) {
    return !(e instanceof DockerException);
  }

  static String describe(String host, RuntimeException e) {
    if (e instanceof NotFoundException) {
      return "not found (" + daemonMessage(e) + "): check the container name, or pull/build the image";
    }
    if (e instanceof ConflictException) {
      return "conflict (" + daemonMessage(e) + "): the name is taken or the container is in the wrong state";
    }
    if (e instanceof BadRequestException) {
      return "rejected by the daemon (" + daemonMessage(e) + ")";
    }
    if (e instanceof UnauthorizedException) {
      return "not authorised (" + daemonMessage(e) + "): check the access rights to the Docker socket";
    }
    if (e instanceof DockerException de) {
      return "daemon error " + de.getHttpStatus() + " (" + daemonMessage(e) + ")";
    }
    // everything else comes from the transport: no connection, timeout, broken stream
    return "cannot talk to the Docker Engine at " + host + " (" + rootMessage(e)
        + "): is it running? check --docker-host/DOCKER_HOST";
  }

  /** The daemon's {@code {"message": ...}} text, or docker-java's message when there is none. */
  static String daemonMessage(RuntimeException e) {
    String raw = String.valueOf(e.getMessage());
    Matcher m = MESSAGE.matcher(raw);
    String text = m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : raw;
    return text.strip();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }
}
