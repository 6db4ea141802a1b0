import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * ModernClassFiles JAR... - rewrites, in place, the class files of each jar that are older than
 * Java 6 as Java 8 class files with stack maps, code unchanged. Run at package time by
 * aot-train.sh with a JDK 25 (java.lang.classfile), as a single-file program.
 *
 * Why: the JDK's AOT cache cannot hold a class verified by the old (pre-Java 6) verifier, nor any
 * class that implements one. picocli ships Java 5 class files, so without this the CLI's whole
 * command model is loaded, verified and linked from scratch at every start.
 */
public final class ModernClassFiles {
  public static void main(String[] args) throws IOException {
    for (String arg : args) {
      Path jar = Path.of(arg);
      int n = rewrite(jar);
      System.out.println("[aot] " + jar.getFileName() + ": " + n + " class file(s) rewritten as Java 8");
    }
  }

  static int rewrite(Path jar) throws IOException {
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    int rewritten = 0;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        JarFile in = new JarFile(jar.toFile());
        OutputStream file = Files.newOutputStream(tmp);
        JarOutputStream out = new JarOutputStream(file)) {
      // stack maps need the class hierarchy: the JDK's, then the jar's own classes
      ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
          ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofClassLoading(loader))));
      for (JarEntry e : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
          ClassModel model = cf.parse(bytes);
          if (model.majorVersion() < ClassFile.JAVA_6_VERSION) {
            // rebuilding every method body makes the library generate the stack maps
            bytes = cf.transformClass(model, ClassTransform.dropping(el -> el instanceof ClassFileVersion)
                .andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL))
                .andThen(ClassTransform.endHandler(b -> b.withVersion(ClassFile.JAVA_8_VERSION, 0))));
            rewritten++;
          }
        }
        JarEntry copy = new JarEntry(e.getName());
        copy.setTime(e.getTime());
        out.putNextEntry(copy);
        out.write(bytes);
        out.closeEntry();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (rewritten > 0) {
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.delete(tmp);
    }
    return rewritten;
  }
}
