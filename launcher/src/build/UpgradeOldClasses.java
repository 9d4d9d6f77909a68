import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Rewrites the classes of a jar that are older than Java 6 (class file version 49 and below:
 * picocli's, compiled for Java 5) as version 50 classes with stack maps, in place.
 *
 * <p>Why: the JVM's AOT cache (JEP 483) leaves such classes out, so at every start they were
 * read from the jar and checked by the old, inferring verifier: picocli alone took about 0.1 s
 * of the local mode's start. Version 50 keeps the old rules the classes were compiled for; the
 * stack maps, computed here by the JDK's class-file API, let the cache hold them. A class that
 * still uses jsr/ret (which stack maps cannot describe) is left as it was.
 *
 * <p>Run by the launcher's build after the shade step: {@code java UpgradeOldClasses JAR}.
 */
public final class UpgradeOldClasses {
  private static final int OLD = 49; // Java 5 and before
  private static final ClassTransform VERSION_6 = (b, element) -> {
    if (element instanceof ClassFileVersion) {
      b.withVersion(ClassFile.JAVA_6_VERSION, 0);
    } else {
      b.with(element);
    }
  };
  /** Each method's code built again, not copied: only code that is built gets stack maps. */
  private static final ClassTransform REBUILD_CODE = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL);

  public static void main(String[] args) throws IOException {
    Path jar = Path.of(args[0]);
    Path out = jar.resolveSibling(jar.getFileName() + ".upgrading");
    int upgraded = 0;
    int kept = 0;
    try (URLClassLoader types = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        JarFile in = new JarFile(jar.toFile());
        JarOutputStream target = new JarOutputStream(Files.newOutputStream(out))) {
      ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
          ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
              .orElse(ClassHierarchyResolver.ofResourceParsing(types)).cached()));
      for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        byte[] bytes;
        try (InputStream stream = in.getInputStream(entry)) {
          bytes = stream.readAllBytes();
        }
        if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
          ClassModel model = classFile.parse(bytes);
          if (model.majorVersion() <= OLD) {
            if (usesSubroutines(model)) {
              kept++;
            } else {
              bytes = classFile.transformClass(model, VERSION_6.andThen(REBUILD_CODE));
              upgraded++;
            }
          }
        }
        JarEntry copy = new JarEntry(entry.getName());
        copy.setTime(entry.getTime());
        target.putNextEntry(copy);
        target.write(bytes);
        target.closeEntry();
      }
    }
    Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("UpgradeOldClasses: " + upgraded + " classes of Java 5 or before rewritten as Java 6 with stack maps"
        + (kept > 0 ? ", " + kept + " left as they were (jsr/ret)" : "") + " in " + jar);
  }

  private static boolean usesSubroutines(ClassModel model) {
    for (MethodModel method : model.methods()) {
      CodeModel code = method.code().orElse(null);
      if (code != null && code.elementStream().anyMatch(e -> e instanceof DiscontinuedInstruction)) {
        return true;
      }
    }
    return false;
  }
}
