package io.dso.observability;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reopens the audit log on SIGHUP, the signal logrotate's {@code postrotate} sends. The JDK offers
 * signal handling only through {@code sun.misc.Signal} (module jdk.unsupported, exported); it is
 * reached reflectively so that the build stays free of internal-API warnings, and a JVM without it
 * simply keeps the rename detection of {@link AuditLog}.
 */
public final class AuditReopenSignal {
  private static final Logger LOG = LoggerFactory.getLogger(AuditReopenSignal.class);

  private AuditReopenSignal() {}

  /** Installs the handler; false (and a debug line) when this JVM cannot handle SIGHUP. */
  public static boolean install(AuditLog audit) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler onSignal = (Object proxy, Method method, Object[] args) -> {
        if (method.getName().equals("handle")) {
          // The JVM runs each delivery on its own thread: waiting for the reopen here blocks nobody.
          LOG.info("SIGHUP: reopening the audit log");
          audit.reopen();
          return null;
        }
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> "audit log reopen on SIGHUP";
        };
      };
      Object proxy = Proxy.newProxyInstance(AuditReopenSignal.class.getClassLoader(), new Class<?>[] {handler}, onSignal);
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("SIGHUP cannot be handled on this JVM ({}); a moved audit log is still reopened on the next record", e.toString());
      return false;
    }
  }
}
