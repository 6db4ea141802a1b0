package io.dso.observability;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: every String (and char[]/byte[] as text) reachable from an object of ours. */
final class Reachable {
  private Reachable() {}

  static List<String> strings(Object root) throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    walk(root, out, new IdentityHashMap<>(), 0);
    return out;
  }

  private static void walk(Object o, List<String> out, Map<Object, Boolean> seen, int depth)
      throws IllegalAccessException {
    if (o == null || depth > 50 || seen.put(o, true) != null) {
      return;
    }
    switch (o) {
      case String s -> out.add(s);
      case char[] c -> out.add(new String(c));
      case byte[] b -> out.add(new String(b, StandardCharsets.ISO_8859_1));
      case Map<?, ?> m -> {
        for (Map.Entry<?, ?> e : m.entrySet()) {
          walk(e.getKey(), out, seen, depth + 1);
          walk(e.getValue(), out, seen, depth + 1);
        }
      }
      case Collection<?> c -> {
        for (Object item : c) {
          walk(item, out, seen, depth + 1);
        }
      }
      default -> {
        if (o.getClass().isArray()) {
          if (!o.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Array.getLength(o); i++) {
              walk(Array.get(o, i), out, seen, depth + 1);
            }
          }
          return;
        }
        if (!o.getClass().getName().startsWith("io.dso.")) {
          return; // boxed numbers and JDK objects other than the containers above hold no text of ours
        }
        for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
          for (Field f : k.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
              continue;
            }
            f.setAccessible(true);
            walk(f.get(o), out, seen, depth + 1);
          }
        }
      }
    }
  }
}
